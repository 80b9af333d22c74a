# METADATA
# title: Istio port naming
# description: Every port of a Service either sets appProtocol or is named <protocol> or <protocol>-<suffix> with a protocol Istio knows, so that Istio picks the protocol without sniffing. A port without a name (allowed by Kubernetes on a single-port Service) fails.
# custom:
#   id: istio-port-naming
#   kinds: [Service]
package policy.istio_port_naming

import data.lib.gatehouse.exceptions
import data.lib.gatehouse.parameters

policy_id := "istio-port-naming"

default_parameters := {
	"enabled": true,
	# The protocols Istio recognises in a port name.
	"protocols": ["grpc", "grpc-web", "http", "http2", "https", "mongo", "mysql", "redis", "tcp", "tls", "udp"],
}

params := parameters.effective(policy_id, default_parameters)

_applies if {
	input.kind == "Service"
	exceptions.applies(policy_id)
	parameters.enabled(params)
}

_ports contains port if {
	some port in input.spec.ports
	is_object(port)
	not _has_app_protocol(port)
}

_has_app_protocol(port) if {
	is_string(port.appProtocol)
	port.appProtocol != ""
}

_name(port) := n if {
	n := port.name
	is_string(n)
	n != ""
}

_well_named(name) if {
	some protocol in params.protocols
	lower(name) == protocol
}

_well_named(name) if {
	some protocol in params.protocols
	startswith(lower(name), concat("", [protocol, "-"]))
}

_number(port) := sprintf("%v/%v", [object.get(port, "port", ""), object.get(port, "protocol", "TCP")])

deny contains msg if {
	_applies
	some port in _ports
	not _name(port)
	msg := sprintf(
		"Policy: %s - port <%s> has no name; name it <protocol>[-<suffix>] or set appProtocol",
		[policy_id, _number(port)],
	)
}

deny contains msg if {
	_applies
	some port in _ports
	name := _name(port)
	not _well_named(name)
	msg := sprintf(
		"Policy: %s - port <%s> (%s) is not named <protocol>[-<suffix>] with a protocol Istio knows and sets no appProtocol",
		[policy_id, name, _number(port)],
	)
}
