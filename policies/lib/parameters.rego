# METADATA
# title: Parameters
# description: A policy's effective parameters - its defaults, data.parameters[id] and the parameters annotation.
package lib.gatehouse.parameters

import data.lib.gatehouse.exceptions
import data.lib.gatehouse.workload

# data.parameters[id] ({} when absent or not an object).
configured(id) := p if {
	p := data.parameters[id]
	is_object(p)
} else := {}

# The annotation that overrides policy `id`'s parameters on one object.
annotation_key(id) := sprintf("%s/parameters.%s", [exceptions.annotation_domain, id])

# The JSON object in an annotation value; {} for anything else (not a string, not JSON, not an
# object).
json_object(value) := v if {
	is_string(value)
	json.is_valid(value)
	v := json.unmarshal(value)
	is_object(v)
} else := {}

# The parameters annotation of the object merged with that of its pod template (the template
# wins on the same key).
override(id) := object.union(
	json_object(object.get(workload.object_annotations, annotation_key(id), "")),
	json_object(object.get(workload.template_annotations, annotation_key(id), "")))

# defaults, then data.parameters[id], then the annotation (objects are merged key by key).
effective(id, defaults) := object.union(defaults, object.union(configured(id), override(id)))

# A policy runs unless its effective parameters say enabled: false.
enabled(params) if object.get(params, "enabled", true) != false
