package lib.gatehouse.workload_test

import data.lib.gatehouse.fixtures
import data.lib.gatehouse.workload

_spec := {
	"securityContext": {"runAsNonRoot": true},
	"initContainers": [{"name": "init", "image": "busybox:1.36"}],
	"containers": [{"name": "web", "image": "nginx:1.25"}],
	"ephemeralContainers": [{"name": "debug", "image": "busybox:1.36"}],
}

_names(cs) := {workload.container_name(c) | some c in cs}

test_pod_spec_of_every_kind if {
	workload.pod_spec == _spec with input as fixtures.pod(_spec)
	workload.pod_spec == _spec with input as fixtures.deployment(_spec)
	workload.pod_spec == _spec with input as fixtures.statefulset(_spec)
	workload.pod_spec == _spec with input as fixtures.daemonset(_spec)
	workload.pod_spec == _spec with input as fixtures.job(_spec)
	workload.pod_spec == _spec with input as fixtures.cronjob(_spec)
}

test_other_kinds_are_not_workloads if {
	not workload.is_workload with input as fixtures.configmap
	not workload.is_workload with input as {"kind": "Service", "spec": {"template": {"spec": _spec}}}
	not workload.is_workload with input as {"kind": "Deployment", "spec": {}}
	workload.is_workload with input as fixtures.cronjob(_spec)
}

test_containers_of_all_three_lists if {
	_names(workload.containers) == {"init", "web", "debug"} with input as fixtures.deployment(_spec)
	_names(workload.non_ephemeral_containers) == {"init", "web"} with input as fixtures.cronjob(_spec)
	count(workload.containers) == 0 with input as fixtures.configmap
}

test_container_name_missing if {
	workload.container_name({"image": "nginx"}) == ""
	workload.container_name({"name": "web"}) == "web"
}

test_annotations if {
	obj := fixtures.with_template_annotations(fixtures.with_annotations(fixtures.deployment(_spec), {"a": "1"}), {"b": "2"})
	workload.object_annotations == {"a": "1"} with input as obj
	workload.template_annotations == {"b": "2"} with input as obj
	workload.pod_annotations == {"b": "2"} with input as obj
	workload.annotation_sources == [{"a": "1"}, {"b": "2"}] with input as obj
}

test_pod_annotations_of_a_pod if {
	obj := fixtures.with_annotations(fixtures.pod(_spec), {"a": "1"})
	workload.pod_annotations == {"a": "1"} with input as obj
	workload.template_annotations == {} with input as obj
}

test_cronjob_template_annotations if {
	obj := fixtures.with_template_annotations(fixtures.cronjob(_spec), {"b": "2"})
	workload.pod_annotations == {"b": "2"} with input as obj
}

test_security_contexts if {
	workload.pod_security_context == {"runAsNonRoot": true} with input as fixtures.pod(_spec)
	workload.pod_security_context == {} with input as fixtures.pod({"containers": []})
	workload.security_context({"name": "x"}) == {}
	workload.security_context({"securityContext": {"privileged": true}}) == {"privileged": true}
}
