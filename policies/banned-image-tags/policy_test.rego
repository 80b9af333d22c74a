package policy.banned_image_tags_test

import data.lib.gatehouse.fixtures
import data.policy.banned_image_tags as policy

_digest := "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

_spec(images) := {"containers": [{"name": name, "image": image} | some name, image in images]}

test_pod_with_tags_passes if {
	count(policy.deny) == 0 with input as fixtures.pod(_spec({"web": "nginx:1.25", "app": "registry.example.com:5000/team/app:v2"}))
}

test_digest_passes if {
	obj := fixtures.pod(_spec({"web": concat("", ["nginx@", _digest]), "app": concat("", ["nginx:latest@", _digest])}))
	count(policy.deny) == 0 with input as obj
}

test_pod_with_latest_fails if {
	policy.deny == {"Policy: banned-image-tags - container <web> uses the banned tag <latest> in image <nginx:latest>"} with input as fixtures.pod(_spec({"web": "nginx:latest"}))
}

test_missing_tag_fails if {
	obj := fixtures.pod(_spec({"web": "nginx", "app": "registry.example.com:5000/team/app"}))
	policy.deny == {
		"Policy: banned-image-tags - container <app> uses image <registry.example.com:5000/team/app> with neither a tag nor a digest",
		"Policy: banned-image-tags - container <web> uses image <nginx> with neither a tag nor a digest",
	} with input as obj
}

test_init_and_ephemeral_containers_fail if {
	obj := fixtures.deployment({
		"initContainers": [{"name": "init", "image": "busybox:latest"}],
		"containers": [{"name": "web", "image": "nginx:1.25"}],
		"ephemeralContainers": [{"name": "debug", "image": "busybox"}],
	})
	policy.deny == {
		"Policy: banned-image-tags - container <init> uses the banned tag <latest> in image <busybox:latest>",
		"Policy: banned-image-tags - container <debug> uses image <busybox> with neither a tag nor a digest",
	} with input as obj
}

test_cronjob_fails if {
	policy.deny == {"Policy: banned-image-tags - container <job> uses the banned tag <latest> in image <alpine:latest>"} with input as fixtures.cronjob(_spec({"job": "alpine:latest"}))
}

test_tags_from_data_parameters if {
	obj := fixtures.deployment(_spec({"web": "nginx:latest", "app": "app:dev"}))
	policy.deny == {"Policy: banned-image-tags - container <app> uses the banned tag <dev> in image <app:dev>"} with input as obj
		with data.parameters as {"banned-image-tags": {"tags": ["dev", "edge"]}}
}

test_annotation_override if {
	obj := fixtures.with_template_annotations(
		fixtures.deployment(_spec({"web": "nginx:latest", "app": "app:dev"})),
		fixtures.parameters_annotation("banned-image-tags", {"tags": ["dev"]}),
	)
	policy.deny == {"Policy: banned-image-tags - container <app> uses the banned tag <dev> in image <app:dev>"} with input as obj
		with data.parameters as {}
}

test_resource_ignore if {
	obj := fixtures.with_annotations(fixtures.pod(_spec({"web": "nginx:latest"})), fixtures.ignore("banned-image-tags"))
	count(policy.deny) == 0 with input as obj
}

test_container_ignore if {
	obj := fixtures.with_annotations(
		fixtures.pod(_spec({"web": "nginx:latest", "sidecar": "envoy:latest"})),
		fixtures.ignore_container("sidecar", "banned-image-tags"),
	)
	policy.deny == {"Policy: banned-image-tags - container <web> uses the banned tag <latest> in image <nginx:latest>"} with input as obj
}

test_disabled if {
	count(policy.deny) == 0 with input as fixtures.pod(_spec({"web": "nginx:latest"}))
		with data.parameters as {"banned-image-tags": {"enabled": false}}
}

test_excluded_namespace if {
	count(policy.deny) == 0 with input as fixtures.in_namespace(fixtures.pod(_spec({"web": "nginx"})), "kube-system")
		with data.parameters as {"excludedNamespaces": ["kube-system"]}
}

test_other_kind_passes if {
	count(policy.deny) == 0 with input as fixtures.configmap
}
