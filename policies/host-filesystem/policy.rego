# METADATA
# title: Host filesystem
# description: hostPath volumes only under an allowed path prefix (by whole path components - /var/log allows /var/log/app, not /var/logs; a path with a ".." component is never allowed). When every prefix that allows a path is readOnly, every mount of that volume is readOnly.
# custom:
#   id: host-filesystem
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
package policy.host_filesystem

import data.lib.gatehouse.exceptions
import data.lib.gatehouse.parameters
import data.lib.gatehouse.workload

policy_id := "host-filesystem"

default_parameters := {
	"enabled": true,
	# [{pathPrefix: /var/log, readOnly: true}, ...]; empty: no hostPath volume is allowed.
	"allowedHostPaths": [],
}

params := parameters.effective(policy_id, default_parameters)

_applies if {
	workload.is_workload
	exceptions.applies(policy_id)
	parameters.enabled(params)
}

# hostPath volumes as {"name", "path"}.
_host_paths contains {"name": name, "path": path} if {
	some volume in workload.pod_spec.volumes
	name := volume.name
	path := volume.hostPath.path
	is_string(path)
}

# "/var/log/" -> "/var/log" ("/" stays "/").
_strip(path) := p if {
	path != "/"
	p := trim_right(path, "/")
	p != ""
} else := "/"

_safe(path) if {
	startswith(path, "/")
	not ".." in split(path, "/")
}

_under(_, prefix) if {
	is_string(prefix)
	_strip(prefix) == "/"
}

_under(path, prefix) if {
	is_string(prefix)
	_strip(path) == _strip(prefix)
}

_under(path, prefix) if {
	is_string(prefix)
	startswith(_strip(path), concat("", [_strip(prefix), "/"]))
}

# The allowedHostPaths entries that allow path.
_allowing(path) := [entry |
	_safe(path)
	some entry in params.allowedHostPaths
	_under(path, entry.pathPrefix)
]

_read_only_only(path) if {
	entries := _allowing(path)
	count(entries) > 0
	every entry in entries {
		object.get(entry, "readOnly", false) == true
	}
}

deny contains msg if {
	_applies
	some volume in _host_paths
	name := volume.name
	path := volume.path
	count(_allowing(path)) == 0
	msg := sprintf("Policy: %s - the volume <%s> uses the host path <%s>, which is not allowed", [policy_id, name, path])
}

deny contains msg if {
	_applies
	some volume in _host_paths
	name := volume.name
	path := volume.path
	_read_only_only(path)
	some container in exceptions.checked_containers(policy_id)
	some mount in object.get(container, "volumeMounts", [])
	mount.name == name
	object.get(mount, "readOnly", false) != true
	msg := sprintf(
		"Policy: %s - container <%s> mounts the host path <%s> (volume <%s>) writable; it is allowed read-only only",
		[policy_id, workload.container_name(container), path, name],
	)
}
