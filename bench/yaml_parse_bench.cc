// The YAML reader on what `gatehouse test`, `verify` and `audit -f` read most: a multi-document
// stream of Kubernetes manifests (Deployments and Services as kubectl and Helm write them:
// labels, annotations, containers with env, resources, probes and mounts). The summary prints
// the time per document and, as the reference measured in the same run, the JSON reader
// (simdjson) on the same documents.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <string>
#include <vector>

#include "value/json.h"
#include "value/value.h"
#include "value/yaml.h"

namespace {

namespace value = gatehouse::value;

constexpr int kManifests = 100;  // half Deployments, half Services

std::string Deployment(int i) {
  const std::string n = std::to_string(i);
  const std::string app = "service-" + n;
  std::string y;
  y += "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n";
  y += "  name: " + app + "\n  namespace: team-" + std::to_string(i % 7) + "\n";
  y += "  labels:\n    app.kubernetes.io/name: " + app +
       "\n    app.kubernetes.io/instance: " + app + "-prod\n    app.kubernetes.io/version: \"1." +
       n + ".0\"\n    app.kubernetes.io/managed-by: Helm\n    helm.sh/chart: " + app + "-0.3." + n +
       "\n";
  y += "  annotations:\n    deployment.kubernetes.io/revision: \"" + std::to_string(i + 3) +
       "\"\n    meta.helm.sh/release-name: " + app + "\n    meta.helm.sh/release-namespace: team-" +
       std::to_string(i % 7) + "\n    description: >-\n      Serves the " + app +
       " API behind the shared ingress;\n      owned by the platform team.\n";
  y += "spec:\n  replicas: " + std::to_string(1 + i % 5) +
       "\n  revisionHistoryLimit: 10\n  progressDeadlineSeconds: 600\n";
  y += "  selector:\n    matchLabels:\n      app.kubernetes.io/name: " + app +
       "\n      app.kubernetes.io/instance: " + app + "-prod\n";
  y += "  strategy:\n    type: RollingUpdate\n    rollingUpdate:\n      maxSurge: 25%\n"
       "      maxUnavailable: 0\n";
  y += "  template:\n    metadata:\n      labels:\n        app.kubernetes.io/name: " + app +
       "\n        app.kubernetes.io/instance: " + app +
       "-prod\n      annotations:\n        prometheus.io/scrape: \"true\"\n"
       "        prometheus.io/port: \"9090\"\n        checksum/config: "
       "3f4c8a0e9d1b2c7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e\n";
  y += "    spec:\n      serviceAccountName: " + app +
       "\n      automountServiceAccountToken: false\n      terminationGracePeriodSeconds: 30\n"
       "      securityContext:\n        runAsNonRoot: true\n        runAsUser: 10001\n"
       "        fsGroup: 10001\n        seccompProfile:\n          type: RuntimeDefault\n";
  y += "      containers:\n";
  y += "        - name: app\n          image: registry.example.com/team/" + app + ":1." + n +
       ".0@sha256:9b2f3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b\n"
       "          imagePullPolicy: IfNotPresent\n"
       "          args: [\"--listen=:8080\", \"--metrics=:9090\", \"--log-level=info\"]\n"
       "          ports:\n            - name: http\n              containerPort: 8080\n"
       "              protocol: TCP\n            - name: metrics\n"
       "              containerPort: 9090\n              protocol: TCP\n";
  y += "          env:\n";
  const char* names[] = {"LOG_FORMAT",    "HTTP_TIMEOUT", "CACHE_TTL",
                         "FEATURE_FLAGS", "UPSTREAM_URL", "MAX_CONNECTIONS"};
  const char* values[] = {
      "json",   "30s", "'300'", "\"alpha,beta\"", "https://upstream.team.svc.cluster.local:8443",
      "\"256\""};
  for (int e = 0; e < 6; ++e) {
    y += "            - name: " + std::string(names[e]) + "\n              value: " + values[e] +
         "\n";
  }
  y += "            - name: DB_PASSWORD\n              valueFrom:\n                secretKeyRef:\n"
       "                  name: " +
       app +
       "-db\n                  key: password\n"
       "            - name: POD_NAME\n              valueFrom:\n                fieldRef:\n"
       "                  fieldPath: metadata.name\n";
  y += "          resources:\n            requests:\n              cpu: 100m\n"
       "              memory: 128Mi\n            limits:\n              cpu: \"1\"\n"
       "              memory: 512Mi\n";
  y += "          livenessProbe:\n            httpGet:\n              path: /healthz\n"
       "              port: http\n            initialDelaySeconds: 10\n"
       "            periodSeconds: 10\n          readinessProbe:\n            httpGet:\n"
       "              path: /readyz\n              port: http\n            periodSeconds: 5\n";
  y += "          securityContext:\n            allowPrivilegeEscalation: false\n"
       "            readOnlyRootFilesystem: true\n            capabilities:\n"
       "              drop: [\"ALL\"]\n";
  y += "          volumeMounts:\n            - name: config\n              mountPath: /etc/app\n"
       "              readOnly: true\n            - name: tmp\n              mountPath: /tmp\n";
  y += "        - name: proxy\n          image: registry.example.com/mesh/proxy:1.19.3\n"
       "          resources:\n            requests: {cpu: 10m, memory: 40Mi}\n"
       "            limits: {cpu: 200m, memory: 128Mi}\n";
  y += "      volumes:\n        - name: config\n          configMap:\n            name: " + app +
       "-config\n        - name: tmp\n          emptyDir:\n            sizeLimit: 64Mi\n";
  y += "      nodeSelector:\n        kubernetes.io/os: linux\n      tolerations:\n"
       "        - key: dedicated\n          operator: Equal\n          value: apps\n"
       "          effect: NoSchedule\n";
  return y;
}

std::string Service(int i) {
  const std::string app = "service-" + std::to_string(i);
  return "apiVersion: v1\nkind: Service\nmetadata:\n  name: " + app + "\n  namespace: team-" +
         std::to_string(i % 7) + "\n  labels:\n    app.kubernetes.io/name: " + app +
         "\n    app.kubernetes.io/managed-by: Helm\n  annotations:\n"
         "    prometheus.io/probe: \"true\"\nspec:\n  type: ClusterIP\n  selector:\n"
         "    app.kubernetes.io/name: " +
         app + "\n    app.kubernetes.io/instance: " + app +
         "-prod\n  ports:\n    - name: http\n      port: 80\n      targetPort: http\n"
         "      protocol: TCP\n    - name: metrics\n      port: 9090\n"
         "      targetPort: metrics\n      protocol: TCP\n";
}

struct Corpus {
  std::string stream;              // every manifest, "---" separated
  std::string deployment;          // one Deployment on its own
  std::vector<std::string> jsons;  // the same documents as JSON, for the reference
  std::string error;
};

const Corpus& TheCorpus() {
  static const Corpus corpus = [] {
    Corpus c;
    for (int i = 0; i < kManifests; ++i) {
      c.stream += "---\n" + (i % 2 == 0 ? Deployment(i) : Service(i));
    }
    c.deployment = Deployment(0);
    value::YamlLimits limits;
    limits.max_bytes = c.stream.size();
    auto docs = value::ParseYamlStream(c.stream, limits);
    if (!docs) {
      c.error = docs.error().ToString();
    } else if (docs->size() != kManifests) {
      c.error = "the stream has " + std::to_string(docs->size()) + " documents";
    } else {
      for (const value::Value& doc : *docs) c.jsons.push_back(value::ToJson(doc));
    }
    return c;
  }();
  return corpus;
}

void SetPerDocument(benchmark::State& state, std::size_t documents, std::size_t bytes) {
  state.counters["per_doc"] =
      benchmark::Counter(static_cast<double>(documents) * static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes) * state.iterations());
  state.counters["docs"] = static_cast<double>(documents);
}

void BM_YamlManifestStream(benchmark::State& state) {
  const Corpus& c = TheCorpus();
  if (!c.error.empty()) {
    state.SkipWithError(c.error.c_str());
    return;
  }
  value::YamlLimits limits;
  limits.max_bytes = c.stream.size();
  for (auto _ : state) {
    auto docs = value::ParseYamlStream(c.stream, limits);
    benchmark::DoNotOptimize(docs);
  }
  SetPerDocument(state, kManifests, c.stream.size());
}
BENCHMARK(BM_YamlManifestStream)->Unit(benchmark::kMicrosecond);

void BM_YamlOneDeployment(benchmark::State& state) {
  const Corpus& c = TheCorpus();
  for (auto _ : state) {
    auto doc = value::ParseYaml(c.deployment);
    benchmark::DoNotOptimize(doc);
  }
  SetPerDocument(state, 1, c.deployment.size());
}
BENCHMARK(BM_YamlOneDeployment)->Unit(benchmark::kMicrosecond);

// The reference: the same documents, as JSON, through the JSON reader.
void BM_JsonSameDocuments(benchmark::State& state) {
  const Corpus& c = TheCorpus();
  if (!c.error.empty()) {
    state.SkipWithError(c.error.c_str());
    return;
  }
  std::size_t bytes = 0;
  for (const std::string& json : c.jsons) bytes += json.size();
  for (auto _ : state) {
    for (const std::string& json : c.jsons) {
      auto doc = value::ParseJson(json);
      benchmark::DoNotOptimize(doc);
    }
  }
  SetPerDocument(state, c.jsons.size(), bytes);
}
BENCHMARK(BM_JsonSameDocuments)->Unit(benchmark::kMicrosecond);

class SummaryReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      // One run, or the median of --benchmark_repetitions.
      const bool median = run.run_type == Run::RT_Aggregate && run.aggregate_name == "median";
      if ((run.run_type != Run::RT_Iteration && !median) || run.error_occurred) continue;
      auto per_doc = run.counters.find("per_doc");
      if (per_doc == run.counters.end()) continue;
      const double us = per_doc->second.value * 1e6;
      if (run.benchmark_name().find("YamlManifestStream") != std::string::npos) yaml_us_ = us;
      if (run.benchmark_name().find("JsonSameDocuments") != std::string::npos) json_us_ = us;
    }
  }
  void Finalize() override {
    ConsoleReporter::Finalize();
    if (yaml_us_ > 0) {
      std::printf("YAML stream of %d manifests (%zu bytes): %.2f us per document\n", kManifests,
                  TheCorpus().stream.size(), yaml_us_);
    }
    if (yaml_us_ > 0 && json_us_ > 0) {
      std::printf("JSON reader on the same documents: %.2f us per document (YAML/JSON %.1fx)\n",
                  json_us_, yaml_us_ / json_us_);
    }
  }

 private:
  double yaml_us_ = 0, json_us_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  SummaryReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
