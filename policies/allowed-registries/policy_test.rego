package policy.allowed_registries_test

import data.lib.gatehouse.fixtures
import data.policy.allowed_registries as policy

_params := {"allowed-registries": {"registries": ["registry.example.com", "docker.io/library/"]}}

_spec(images) := {"containers": [{"name": name, "image": image} | some name, image in images]}

test_default_allows_everything if {
	count(policy.deny) == 0 with input as fixtures.pod(_spec({"web": "evil.io/app:1"})) with data.parameters as {}
}

test_pod_from_allowed_registries_passes if {
	obj := fixtures.pod(_spec({
		"web": "nginx:1.25",
		"app": "registry.example.com/team/app:2",
		"db": "docker.io/library/postgres:16",
		"cache": "index.docker.io/library/redis:7",
	}))
	count(policy.deny) == 0 with input as obj with data.parameters as _params
}

test_pod_from_other_registries_fails if {
	obj := fixtures.pod(_spec({
		"web": "registry.example.com.evil.io/app:1",
		"app": "team/app:2",
		"db": "quay.io/org/db:1",
	}))
	policy.deny == {
		"Policy: allowed-registries - container <web> uses image <registry.example.com.evil.io/app:1> from a registry that is not allowed (allowed: <docker.io/library/, registry.example.com>)",
		"Policy: allowed-registries - container <app> uses image <team/app:2> from a registry that is not allowed (allowed: <docker.io/library/, registry.example.com>)",
		"Policy: allowed-registries - container <db> uses image <quay.io/org/db:1> from a registry that is not allowed (allowed: <docker.io/library/, registry.example.com>)",
	} with input as obj
		with data.parameters as _params
}

test_registry_with_port if {
	p := {"allowed-registries": {"registries": ["registry.example.com:5000"]}}
	count(policy.deny) == 0 with input as fixtures.pod(_spec({"web": "registry.example.com:5000/app"})) with data.parameters as p
	policy.deny == {"Policy: allowed-registries - container <web> uses image <registry.example.com/app:1> from a registry that is not allowed (allowed: <registry.example.com:5000>)"} with input as fixtures.pod(_spec({"web": "registry.example.com/app:1"}))
		with data.parameters as p
}

test_deployment_init_container_fails if {
	obj := fixtures.deployment({
		"initContainers": [{"name": "init", "image": "ghcr.io/org/init:1"}],
		"containers": [{"name": "web", "image": "registry.example.com/web:1"}],
	})
	policy.deny == {"Policy: allowed-registries - container <init> uses image <ghcr.io/org/init:1> from a registry that is not allowed (allowed: <docker.io/library/, registry.example.com>)"} with input as obj
		with data.parameters as _params
}

test_cronjob_fails if {
	obj := fixtures.cronjob(_spec({"job": "ghcr.io/org/job:1"}))
	policy.deny == {"Policy: allowed-registries - container <job> uses image <ghcr.io/org/job:1> from a registry that is not allowed (allowed: <docker.io/library/, registry.example.com>)"} with input as obj
		with data.parameters as _params
}

test_annotation_override if {
	obj := fixtures.with_annotations(
		fixtures.pod(_spec({"job": "ghcr.io/org/job:1"})),
		fixtures.parameters_annotation("allowed-registries", {"registries": ["ghcr.io/org"]}),
	)
	count(policy.deny) == 0 with input as obj with data.parameters as _params
}

test_resource_ignore if {
	obj := fixtures.with_annotations(fixtures.pod(_spec({"job": "ghcr.io/org/job:1"})), fixtures.ignore("allowed-registries"))
	count(policy.deny) == 0 with input as obj with data.parameters as _params
}

test_container_ignore if {
	obj := fixtures.with_template_annotations(
		fixtures.deployment(_spec({"web": "nginx:1.25", "istio-proxy": "gcr.io/istio-release/proxyv2:1.22.0"})),
		fixtures.ignore_container("istio-proxy", "allowed-registries"),
	)
	count(policy.deny) == 0 with input as obj with data.parameters as _params
}

test_disabled if {
	obj := fixtures.pod(_spec({"job": "ghcr.io/org/job:1"}))
	count(policy.deny) == 0 with input as obj
		with data.parameters as {"allowed-registries": {"enabled": false, "registries": ["registry.example.com"]}}
}

test_other_kind_passes if {
	count(policy.deny) == 0 with input as fixtures.configmap with data.parameters as _params
}
