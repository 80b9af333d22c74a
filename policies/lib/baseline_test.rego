# policies.yaml (loaded at data.parameters when the tests run on this directory) lists every
# policy of the library with exactly its defaults.
package lib.gatehouse.baseline_test

_defaults[id] := d if {
	some pkg
	id := data.policy[pkg].policy_id
	d := data.policy[pkg].default_parameters
}

test_baseline_has_every_policy_with_its_defaults if {
	object.remove(data.parameters, ["excludedNamespaces"]) == _defaults
}

test_baseline_excluded_namespaces if {
	data.parameters.excludedNamespaces == ["kube-system", "kube-public", "kube-node-lease", "gatekeeper-system", "istio-system"]
}

test_package_names_follow_ids if {
	every id, _ in _defaults {
		pkg := replace(id, "-", "_")
		data.policy[pkg].policy_id == id
	}
}

test_sixteen_policies if {
	count(_defaults) == 16
}
