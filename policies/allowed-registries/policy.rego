# METADATA
# title: Allowed registries
# description: Container images come from one of the allowed registries or repositories. An entry matches an image as written or in its normalised form (nginx is docker.io/library/nginx) when the image starts with the entry at a path boundary. An empty list allows every image.
# custom:
#   id: allowed-registries
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
package policy.allowed_registries

import data.lib.gatehouse.exceptions
import data.lib.gatehouse.images
import data.lib.gatehouse.parameters
import data.lib.gatehouse.workload

policy_id := "allowed-registries"

default_parameters := {
	"enabled": true,
	# Registry or repository prefixes such as "registry.example.com" or "docker.io/library/"
	# (an empty list means no restriction).
	"registries": [],
}

params := parameters.effective(policy_id, default_parameters)

_applies if {
	workload.is_workload
	exceptions.applies(policy_id)
	parameters.enabled(params)
	count(params.registries) > 0
}

# prefix matches reference at a boundary: the reference is the prefix, the prefix ends with "/",
# or the reference goes on with "/", ":" or "@" ("registry.example.com" does not match
# "registry.example.com.evil.io/app").
_matches(reference, prefix) if reference == prefix

_matches(reference, prefix) if {
	is_string(prefix)
	prefix != ""
	startswith(reference, prefix)
	endswith(prefix, "/")
}

_matches(reference, prefix) if {
	is_string(prefix)
	prefix != ""
	startswith(reference, prefix)
	substring(reference, count(prefix), 1) in {"/", ":", "@"}
}

_allowed(image) if {
	some prefix in params.registries
	_matches(image, prefix)
}

_allowed(image) if {
	some prefix in params.registries
	_matches(images.normalized(image), prefix)
}

deny contains msg if {
	_applies
	some container in exceptions.checked_containers(policy_id)
	image := container.image
	is_string(image)
	not _allowed(image)
	msg := sprintf(
		"Policy: %s - container <%s> uses image <%s> from a registry that is not allowed (allowed: <%s>)",
		[policy_id, workload.container_name(container), image, concat(", ", sort(params.registries))],
	)
}
