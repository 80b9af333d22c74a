# METADATA
# title: Exceptions
# description: The annotation domain, the ignore annotations and the excluded namespaces.
package lib.gatehouse.exceptions

import data.lib.gatehouse.workload

# The domain of gatehouse's annotations; gatehouse sets data.gatehouse.annotation_domain.
default annotation_domain := "policy.gatehouse.dev"

annotation_domain := d if {
	d := data.gatehouse.annotation_domain
	is_string(d)
	d != ""
}

# The policy ids of an annotation value "id, id" (commas, spaces trimmed, empty parts dropped).
ids(value) := {id |
	some part in split(value, ",")
	id := trim_space(part)
	id != ""
} if {
	is_string(value)
} else := set()

# The policy ids for which the whole object is ignored (<domain>/ignore on the object or its pod
# template).
ignored contains id if {
	key := sprintf("%s/ignore", [annotation_domain])
	some annotations in workload.annotation_sources
	some id in ids(annotations[key])
}

resource_ignored(id) if id in ignored

# True when the container named `name` is ignored for policy `id` (<domain>/ignore.<name>).
container_ignored(id, name) if {
	key := sprintf("%s/ignore.%s", [annotation_domain, name])
	some annotations in workload.annotation_sources
	id in ids(annotations[key])
}

# data.parameters.excludedNamespaces (no namespace excluded by default).
excluded_namespaces := ns if {
	ns := data.parameters.excludedNamespaces
	is_array(ns)
} else := []

namespace_excluded if {
	ns := input.metadata.namespace
	is_string(ns)
	ns in excluded_namespaces
}

# True when policy `id` looks at this object at all.
applies(id) if {
	not namespace_excluded
	not resource_ignored(id)
}

# The containers policy `id` checks: every container but those ignored for it.
checked_containers(id) := {c |
	some c in workload.containers
	not container_ignored(id, workload.container_name(c))
}

# Likewise without ephemeral containers.
checked_non_ephemeral_containers(id) := {c |
	some c in workload.non_ephemeral_containers
	not container_ignored(id, workload.container_name(c))
}
