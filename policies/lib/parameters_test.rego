package lib.gatehouse.parameters_test

import data.lib.gatehouse.fixtures
import data.lib.gatehouse.parameters

_defaults := {"enabled": true, "max": 1, "nested": {"a": 1, "b": 2}, "list": ["x"]}

_pod := fixtures.pod({"containers": [{"name": "web", "image": "nginx:1.25"}]})

test_defaults_only if {
	parameters.effective("demo", _defaults) == _defaults with input as _pod with data.parameters as {}
}

test_data_parameters_override_defaults if {
	p := parameters.effective("demo", _defaults) with input as _pod
		with data.parameters as {"demo": {"max": 2, "nested": {"b": 3}, "list": []}}
	p == {"enabled": true, "max": 2, "nested": {"a": 1, "b": 3}, "list": []}
}

test_annotation_overrides_data if {
	obj := fixtures.with_annotations(_pod, fixtures.parameters_annotation("demo", {"max": 5}))
	p := parameters.effective("demo", _defaults) with input as obj with data.parameters as {"demo": {"max": 2}}
	p.max == 5
}

test_template_annotation_wins_over_object_annotation if {
	obj := fixtures.with_template_annotations(
		fixtures.with_annotations(fixtures.deployment(_pod.spec), fixtures.parameters_annotation("demo", {"max": 5, "list": ["y"]})),
		fixtures.parameters_annotation("demo", {"max": 7}),
	)
	p := parameters.effective("demo", _defaults) with input as obj with data.parameters as {}
	p.max == 7
	p.list == ["y"]
}

test_invalid_annotation_is_ignored if {
	key := "policy.gatehouse.dev/parameters.demo"
	parameters.effective("demo", _defaults) == _defaults with input as fixtures.with_annotations(_pod, {key: "{not json"})
		with data.parameters as {}
	parameters.effective("demo", _defaults) == _defaults with input as fixtures.with_annotations(_pod, {key: "[1, 2]"})
		with data.parameters as {}
	parameters.effective("demo", _defaults) == _defaults with input as fixtures.with_annotations(_pod, {key: "\"x\""})
		with data.parameters as {}
}

test_non_object_data_parameters_are_ignored if {
	parameters.effective("demo", _defaults) == _defaults with input as _pod with data.parameters as {"demo": true}
}

test_enabled if {
	parameters.enabled({})
	parameters.enabled({"enabled": true})
	not parameters.enabled({"enabled": false})
	p := parameters.effective("demo", _defaults) with input as _pod with data.parameters as {"demo": {"enabled": false}}
	not parameters.enabled(p)
}

test_annotation_key_follows_domain if {
	parameters.annotation_key("demo") == "policy.gatehouse.dev/parameters.demo"
	parameters.annotation_key("demo") == "example.org/parameters.demo" with data.gatehouse.annotation_domain as "example.org"
}
