package policy.host_filesystem_test

import data.lib.gatehouse.fixtures
import data.policy.host_filesystem as policy

_params := {"host-filesystem": {"allowedHostPaths": [
	{"pathPrefix": "/var/log", "readOnly": true},
	{"pathPrefix": "/data/"},
]}}

_spec(volumes, mounts) := {
	"volumes": [{"name": name, "hostPath": {"path": path}} | some name, path in volumes],
	"containers": [{"name": "web", "image": "nginx:1.25", "volumeMounts": mounts}],
}

test_pod_without_host_paths_passes if {
	obj := fixtures.pod({"volumes": [{"name": "tmp", "emptyDir": {}}], "containers": [{"name": "web", "image": "nginx:1.25"}]})
	count(policy.deny) == 0 with input as obj
}

test_pod_with_host_path_fails_by_default if {
	obj := fixtures.pod(_spec({"root": "/"}, [{"name": "root", "mountPath": "/host"}]))
	policy.deny == {"Policy: host-filesystem - the volume <root> uses the host path </>, which is not allowed"} with input as obj
}

test_allowed_prefixes_pass if {
	obj := fixtures.pod(_spec(
		{"logs": "/var/log/pods", "data": "/data", "cache": "/data/cache/"},
		[
			{"name": "logs", "mountPath": "/logs", "readOnly": true},
			{"name": "data", "mountPath": "/data"},
			{"name": "cache", "mountPath": "/cache"},
		],
	))
	count(policy.deny) == 0 with input as obj with data.parameters as _params
}

test_paths_outside_prefixes_fail if {
	obj := fixtures.deployment(_spec(
		{"a": "/var/logs", "b": "/datastore", "c": "/var/log/../../etc", "d": "/etc"},
		[],
	))
	policy.deny == {
		"Policy: host-filesystem - the volume <a> uses the host path </var/logs>, which is not allowed",
		"Policy: host-filesystem - the volume <b> uses the host path </datastore>, which is not allowed",
		"Policy: host-filesystem - the volume <c> uses the host path </var/log/../../etc>, which is not allowed",
		"Policy: host-filesystem - the volume <d> uses the host path </etc>, which is not allowed",
	} with input as obj
		with data.parameters as _params
}

test_writable_mount_of_read_only_prefix_fails if {
	obj := fixtures.cronjob({
		"volumes": [{"name": "logs", "hostPath": {"path": "/var/log"}}],
		"initContainers": [{"name": "init", "image": "busybox:1.36", "volumeMounts": [{"name": "logs", "mountPath": "/logs", "readOnly": false}]}],
		"containers": [
			{"name": "job", "image": "busybox:1.36", "volumeMounts": [{"name": "logs", "mountPath": "/logs"}]},
			{"name": "ok", "image": "busybox:1.36", "volumeMounts": [{"name": "logs", "mountPath": "/logs", "readOnly": true}]},
		],
	})
	policy.deny == {
		"Policy: host-filesystem - container <init> mounts the host path </var/log> (volume <logs>) writable; it is allowed read-only only",
		"Policy: host-filesystem - container <job> mounts the host path </var/log> (volume <logs>) writable; it is allowed read-only only",
	} with input as obj
		with data.parameters as _params
}

test_a_writable_prefix_wins if {
	p := {"host-filesystem": {"allowedHostPaths": [{"pathPrefix": "/var", "readOnly": true}, {"pathPrefix": "/var/lib/app"}]}}
	obj := fixtures.pod(_spec({"app": "/var/lib/app/state"}, [{"name": "app", "mountPath": "/state"}]))
	count(policy.deny) == 0 with input as obj with data.parameters as p
}

test_annotation_override if {
	obj := fixtures.with_annotations(
		fixtures.pod(_spec({"sock": "/run/containerd/containerd.sock"}, [{"name": "sock", "mountPath": "/run/containerd.sock"}])),
		fixtures.parameters_annotation("host-filesystem", {"allowedHostPaths": [{"pathPrefix": "/run/containerd", "readOnly": true}]}),
	)
	policy.deny == {"Policy: host-filesystem - container <web> mounts the host path </run/containerd/containerd.sock> (volume <sock>) writable; it is allowed read-only only"} with input as obj
		with data.parameters as {}
}

test_resource_ignore if {
	obj := fixtures.with_annotations(fixtures.pod(_spec({"root": "/"}, [])), fixtures.ignore("host-filesystem"))
	count(policy.deny) == 0 with input as obj
}

test_container_ignore if {
	obj := fixtures.with_annotations(
		fixtures.pod(_spec({"logs": "/var/log"}, [{"name": "logs", "mountPath": "/logs"}])),
		fixtures.ignore_container("web", "host-filesystem"),
	)
	count(policy.deny) == 0 with input as obj with data.parameters as _params
}

test_disabled if {
	obj := fixtures.pod(_spec({"root": "/"}, []))
	count(policy.deny) == 0 with input as obj with data.parameters as {"host-filesystem": {"enabled": false}}
}

test_other_kind_passes if {
	count(policy.deny) == 0 with input as fixtures.configmap
}
