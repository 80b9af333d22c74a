# Objects for the policy tests (test-only: a *_test.rego file, no rules of its own to test).
package lib.gatehouse.fixtures

namespace := "team-demo"

_metadata := {"name": "demo", "namespace": namespace, "labels": {"app": "demo"}}

# A Pod with the given spec.
pod(spec) := {"apiVersion": "v1", "kind": "Pod", "metadata": _metadata, "spec": spec}

# A Pod with one container.
pod_container(container) := pod({"containers": [container]})

deployment(spec) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": _metadata,
	"spec": {
		"replicas": 2,
		"selector": {"matchLabels": {"app": "demo"}},
		"template": {"metadata": {"labels": {"app": "demo"}}, "spec": spec},
	},
}

statefulset(spec) := {
	"apiVersion": "apps/v1",
	"kind": "StatefulSet",
	"metadata": _metadata,
	"spec": {
		"serviceName": "demo",
		"selector": {"matchLabels": {"app": "demo"}},
		"template": {"metadata": {"labels": {"app": "demo"}}, "spec": spec},
	},
}

daemonset(spec) := {
	"apiVersion": "apps/v1",
	"kind": "DaemonSet",
	"metadata": _metadata,
	"spec": {
		"selector": {"matchLabels": {"app": "demo"}},
		"template": {"metadata": {"labels": {"app": "demo"}}, "spec": spec},
	},
}

job(spec) := {
	"apiVersion": "batch/v1",
	"kind": "Job",
	"metadata": _metadata,
	"spec": {"template": {"spec": spec}},
}

cronjob(spec) := {
	"apiVersion": "batch/v1",
	"kind": "CronJob",
	"metadata": _metadata,
	"spec": {
		"schedule": "*/5 * * * *",
		"jobTemplate": {"spec": {"template": {"spec": spec}}},
	},
}

# A ConfigMap: not a workload, passes every pod policy.
configmap := {"apiVersion": "v1", "kind": "ConfigMap", "metadata": _metadata, "data": {"a": "b"}}

# obj with annotations on its own metadata.
with_annotations(obj, annotations) := object.union(obj, {"metadata": {"annotations": annotations}})

# obj with annotations on its pod template's metadata.
with_template_annotations(obj, annotations) := object.union(obj, {"spec": {"template": {"metadata": {"annotations": annotations}}}}) if {
	obj.kind != "CronJob"
}

with_template_annotations(obj, annotations) := object.union(obj, _cronjob_template_annotations(annotations)) if {
	obj.kind == "CronJob"
}

_cronjob_template_annotations(annotations) := {"spec": {"jobTemplate": {"spec": {"template": {"metadata": {"annotations": annotations}}}}}}

# obj in another namespace.
in_namespace(obj, ns) := object.union(obj, {"metadata": {"namespace": ns}})

# The annotation domain used in the tests (the default).
domain := "policy.gatehouse.dev"

ignore(ids) := {"policy.gatehouse.dev/ignore": ids}

ignore_container(name, ids) := {sprintf("policy.gatehouse.dev/ignore.%s", [name]): ids}

parameters_annotation(id, params) := {sprintf("policy.gatehouse.dev/parameters.%s", [id]): json.marshal(params)}
