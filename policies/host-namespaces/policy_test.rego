package policy.host_namespaces_test

import data.lib.gatehouse.fixtures
import data.policy.host_namespaces as policy

_spec(extra) := object.union({"containers": [{"name": "web", "image": "nginx:1.25"}]}, extra)

test_pod_passes if {
	count(policy.deny) == 0 with input as fixtures.pod(_spec({}))
	count(policy.deny) == 0 with input as fixtures.pod(_spec({"hostPID": false, "hostIPC": false}))
}

test_pod_fails if {
	policy.deny == {
		"Policy: host-namespaces - the pod shares the host PID namespace (hostPID)",
		"Policy: host-namespaces - the pod shares the host IPC namespace (hostIPC)",
	} with input as fixtures.pod(_spec({"hostPID": true, "hostIPC": true}))
}

test_deployment_fails if {
	policy.deny == {"Policy: host-namespaces - the pod shares the host PID namespace (hostPID)"} with input as fixtures.deployment(_spec({"hostPID": true}))
}

test_cronjob_fails if {
	policy.deny == {"Policy: host-namespaces - the pod shares the host IPC namespace (hostIPC)"} with input as fixtures.cronjob(_spec({"hostIPC": true}))
}

test_data_parameters_disable if {
	count(policy.deny) == 0 with input as fixtures.pod(_spec({"hostPID": true})) with data.parameters as {"host-namespaces": {"enabled": false}}
}

test_annotation_override if {
	obj := fixtures.with_template_annotations(
		fixtures.deployment(_spec({"hostPID": true})),
		fixtures.parameters_annotation("host-namespaces", {"enabled": false}),
	)
	count(policy.deny) == 0 with input as obj
}

test_resource_ignore if {
	obj := fixtures.with_annotations(fixtures.pod(_spec({"hostPID": true})), fixtures.ignore("host-namespaces"))
	count(policy.deny) == 0 with input as obj
}

test_other_kind_passes if {
	count(policy.deny) == 0 with input as fixtures.configmap
}
