package policy.istio_port_naming_test

import data.lib.gatehouse.fixtures
import data.policy.istio_port_naming as policy

_service(ports) := {
	"apiVersion": "v1",
	"kind": "Service",
	"metadata": {"name": "web", "namespace": "team-demo"},
	"spec": {"selector": {"app": "web"}, "ports": ports},
}

test_well_named_ports_pass if {
	obj := _service([
		{"name": "http", "port": 80, "targetPort": 8080},
		{"name": "grpc-web-api", "port": 81},
		{"name": "https-admin", "port": 443},
		{"name": "tcp-db", "port": 5432},
		{"name": "udp-dns", "port": 53, "protocol": "UDP"},
		{"name": "metrics", "port": 9090, "appProtocol": "http"},
		{"port": 9091, "appProtocol": "kubernetes.io/h2c"},
	])
	count(policy.deny) == 0 with input as obj
}

test_badly_named_ports_fail if {
	obj := _service([
		{"name": "web", "port": 80},
		{"name": "httpx", "port": 81},
		{"name": "http", "port": 82},
		{"name": "dns", "port": 53, "protocol": "UDP"},
	])
	policy.deny == {
		"Policy: istio-port-naming - port <web> (80/TCP) is not named <protocol>[-<suffix>] with a protocol Istio knows and sets no appProtocol",
		"Policy: istio-port-naming - port <httpx> (81/TCP) is not named <protocol>[-<suffix>] with a protocol Istio knows and sets no appProtocol",
		"Policy: istio-port-naming - port <dns> (53/UDP) is not named <protocol>[-<suffix>] with a protocol Istio knows and sets no appProtocol",
	} with input as obj
}

test_unnamed_single_port_fails if {
	policy.deny == {"Policy: istio-port-naming - port <80/TCP> has no name; name it <protocol>[-<suffix>] or set appProtocol"} with input as _service([{"port": 80, "targetPort": 8080}])
}

test_workloads_are_not_checked if {
	count(policy.deny) == 0 with input as fixtures.deployment({"containers": [{"name": "web", "image": "nginx:1.25", "ports": [{"name": "web", "containerPort": 80}]}]})
	count(policy.deny) == 0 with input as fixtures.cronjob({"containers": [{"name": "job", "image": "busybox:1.36"}]})
	count(policy.deny) == 0 with input as fixtures.pod({"containers": [{"name": "web", "image": "nginx:1.25"}]})
}

test_protocols_from_data_parameters if {
	obj := _service([{"name": "web", "port": 80}, {"name": "http", "port": 81}])
	policy.deny == {"Policy: istio-port-naming - port <http> (81/TCP) is not named <protocol>[-<suffix>] with a protocol Istio knows and sets no appProtocol"} with input as obj
		with data.parameters as {"istio-port-naming": {"protocols": ["web"]}}
}

test_annotation_override if {
	obj := fixtures.with_annotations(_service([{"name": "web", "port": 80}]), fixtures.parameters_annotation("istio-port-naming", {"enabled": false}))
	count(policy.deny) == 0 with input as obj
}

test_resource_ignore if {
	obj := fixtures.with_annotations(_service([{"name": "web", "port": 80}]), fixtures.ignore("istio-port-naming"))
	count(policy.deny) == 0 with input as obj
}

test_disabled if {
	count(policy.deny) == 0 with input as _service([{"port": 80}]) with data.parameters as {"istio-port-naming": {"enabled": false}}
}

test_excluded_namespace if {
	obj := fixtures.in_namespace(_service([{"port": 80}]), "istio-system")
	count(policy.deny) == 0 with input as obj with data.parameters as {"excludedNamespaces": ["istio-system"]}
}
