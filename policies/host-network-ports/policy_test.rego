package policy.host_network_ports_test

import data.lib.gatehouse.fixtures
import data.policy.host_network_ports as policy

_c(name, ports) := {"name": name, "image": "nginx:1.25", "ports": ports}

test_pod_without_host_ports_passes if {
	obj := fixtures.pod({"hostNetwork": false, "containers": [_c("web", [{"containerPort": 8080}, {"containerPort": 9090, "hostPort": 0}])]})
	count(policy.deny) == 0 with input as obj
}

test_pod_with_host_network_and_port_fails if {
	obj := fixtures.pod({"hostNetwork": true, "containers": [_c("web", [{"containerPort": 8080, "hostPort": 8080}])]})
	policy.deny == {
		"Policy: host-network-ports - the pod uses the host network (hostNetwork)",
		"Policy: host-network-ports - container <web> uses the host port <8080>, outside the allowed range <0-0>",
	} with input as obj
}

test_deployment_init_container_fails if {
	obj := fixtures.deployment({
		"initContainers": [_c("init", [{"containerPort": 53, "hostPort": 53, "protocol": "UDP"}])],
		"containers": [_c("web", [{"containerPort": 8080}])],
	})
	policy.deny == {"Policy: host-network-ports - container <init> uses the host port <53>, outside the allowed range <0-0>"} with input as obj
}

test_cronjob_host_network_fails if {
	policy.deny == {"Policy: host-network-ports - the pod uses the host network (hostNetwork)"} with input as fixtures.cronjob({"hostNetwork": true, "containers": [_c("job", [])]})
}

test_data_parameters if {
	p := {"host-network-ports": {"hostNetwork": true, "min": 30000, "max": 32767}}
	obj := fixtures.pod({"hostNetwork": true, "containers": [_c("web", [{"containerPort": 80, "hostPort": 30080}, {"containerPort": 81, "hostPort": 80}])]})
	policy.deny == {"Policy: host-network-ports - container <web> uses the host port <80>, outside the allowed range <30000-32767>"} with input as obj
		with data.parameters as p
}

test_annotation_override if {
	obj := fixtures.with_annotations(
		fixtures.pod({"hostNetwork": true, "containers": [_c("web", [])]}),
		fixtures.parameters_annotation("host-network-ports", {"hostNetwork": true}),
	)
	count(policy.deny) == 0 with input as obj with data.parameters as {}
}

test_resource_ignore if {
	obj := fixtures.with_annotations(fixtures.pod({"hostNetwork": true, "containers": [_c("web", [])]}), fixtures.ignore("host-network-ports"))
	count(policy.deny) == 0 with input as obj
}

test_container_ignore if {
	obj := fixtures.with_annotations(
		fixtures.pod({"containers": [_c("web", []), _c("exporter", [{"containerPort": 9100, "hostPort": 9100}])]}),
		fixtures.ignore_container("exporter", "host-network-ports"),
	)
	count(policy.deny) == 0 with input as obj
}

test_disabled if {
	obj := fixtures.pod({"hostNetwork": true, "containers": [_c("web", [])]})
	count(policy.deny) == 0 with input as obj with data.parameters as {"host-network-ports": {"enabled": false}}
}

test_other_kind_passes if {
	count(policy.deny) == 0 with input as fixtures.configmap
}
