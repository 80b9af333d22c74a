package lib.gatehouse.exceptions_test

import data.lib.gatehouse.exceptions
import data.lib.gatehouse.fixtures

_spec := {"containers": [{"name": "web", "image": "nginx:1.25"}, {"name": "istio-proxy", "image": "istio/proxyv2:1.22.0"}]}

test_ids_are_trimmed if {
	exceptions.ids(" privileged ,seccomp,, ") == {"privileged", "seccomp"}
	exceptions.ids("") == set()
	exceptions.ids(3) == set()
}

test_default_domain if {
	exceptions.annotation_domain == "policy.gatehouse.dev"
}

test_domain_from_data if {
	exceptions.annotation_domain == "example.org" with data.gatehouse.annotation_domain as "example.org"
}

test_ignore_on_object if {
	obj := fixtures.with_annotations(fixtures.deployment(_spec), fixtures.ignore("privileged, seccomp"))
	exceptions.ignored == {"privileged", "seccomp"} with input as obj
	not exceptions.applies("privileged") with input as obj
	exceptions.applies("capabilities") with input as obj
}

test_ignore_on_template if {
	obj := fixtures.with_template_annotations(fixtures.cronjob(_spec), fixtures.ignore("seccomp"))
	exceptions.ignored == {"seccomp"} with input as obj
}

test_ignore_with_another_domain if {
	obj := fixtures.with_annotations(fixtures.pod(_spec), {"example.org/ignore": "privileged"})
	exceptions.ignored == set() with input as obj
	exceptions.ignored == {"privileged"} with input as obj with data.gatehouse.annotation_domain as "example.org"
}

test_container_ignore if {
	obj := fixtures.with_template_annotations(
		fixtures.deployment(_spec),
		fixtures.ignore_container("istio-proxy", "privileged,capabilities"),
	)
	exceptions.container_ignored("privileged", "istio-proxy") with input as obj
	not exceptions.container_ignored("privileged", "web") with input as obj
	not exceptions.container_ignored("seccomp", "istio-proxy") with input as obj
	{c.name | some c in exceptions.checked_containers("capabilities")} == {"web"} with input as obj
	{c.name | some c in exceptions.checked_containers("seccomp")} == {"web", "istio-proxy"} with input as obj
}

test_excluded_namespaces if {
	params := {"excludedNamespaces": ["kube-system", "istio-system"]}
	not exceptions.applies("privileged") with input as fixtures.in_namespace(fixtures.pod(_spec), "kube-system")
		with data.parameters as params
	exceptions.applies("privileged") with input as fixtures.pod(_spec) with data.parameters as params
}

test_no_namespace_excluded_by_default if {
	exceptions.applies("privileged") with input as fixtures.in_namespace(fixtures.pod(_spec), "kube-system")
		with data.parameters as {}
	exceptions.excluded_namespaces == [] with data.parameters as {}
}
