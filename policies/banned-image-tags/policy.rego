# METADATA
# title: Banned image tags
# description: Containers must not use a banned tag (latest by default), nor an image with neither a tag nor a digest (which means latest). An image pinned by digest passes whatever its tag.
# custom:
#   id: banned-image-tags
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
package policy.banned_image_tags

import data.lib.gatehouse.exceptions
import data.lib.gatehouse.images
import data.lib.gatehouse.parameters
import data.lib.gatehouse.workload

policy_id := "banned-image-tags"

default_parameters := {
	"enabled": true,
	# Tags no container may use (compared exactly).
	"tags": ["latest"],
}

params := parameters.effective(policy_id, default_parameters)

_applies if {
	workload.is_workload
	exceptions.applies(policy_id)
	parameters.enabled(params)
}

deny contains msg if {
	_applies
	some container in exceptions.checked_containers(policy_id)
	image := container.image
	is_string(image)
	not images.has_digest(image)
	tag := images.tag(image)
	tag in params.tags
	msg := sprintf(
		"Policy: %s - container <%s> uses the banned tag <%s> in image <%s>",
		[policy_id, workload.container_name(container), tag, image],
	)
}

deny contains msg if {
	_applies
	some container in exceptions.checked_containers(policy_id)
	image := container.image
	is_string(image)
	not images.has_digest(image)
	not images.has_tag(image)
	msg := sprintf(
		"Policy: %s - container <%s> uses image <%s> with neither a tag nor a digest",
		[policy_id, workload.container_name(container), image],
	)
}
