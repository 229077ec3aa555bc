import * as assert from "assert";
import { METRIC_CATALOG } from "../../../components/monitoring/metric-catalog";
import { podMonitorSpec } from "../../../components/service-monitors";
import { stackConfig } from "../../helpers/stacks";

describe("monitoring/metric-catalog", () => {
    it("names every metric validly and with an exporter and a reference", () => {
        for (const [name, source] of Object.entries(METRIC_CATALOG)) {
            assert.match(name, /^[a-zA-Z_][a-zA-Z0-9_]*$/, name);
            assert.ok(source.exporter.length > 0 && source.reference.length > 0, name);
        }
    });

    it("lists the counter behind each adapter metric of the seed, and never the adapter names themselves", () => {
        const rules = stackConfig("production").addons.prometheusAdapter.rules;
        assert.deepStrictEqual(
            rules.map((rule) => rule.series),
            ["model_requests_total", "http_requests_total", "agent_created_total"],
        );
        for (const rule of rules) {
            assert.ok(METRIC_CATALOG[rule.series], `${rule.metric}: ${rule.series} is not in the catalog`);
            assert.ok(
                !(rule.metric in METRIC_CATALOG),
                `${rule.metric} is served by the adapter, not a Prometheus series`,
            );
        }
    });

    // prometheus-operator v0.93.0 generatePodMonitorConfig relabels namespace, container, pod, job
    // (<namespace>/<PodMonitor>) and endpoint (the port's name); Prometheus's honor_labels: false keeps
    // a scraped label of the same name as exported_<name>.
    it("the services' series carry the PodMonitor's labels (no service label), the seed's endpoint label as exported_endpoint", () => {
        assert.deepStrictEqual(podMonitorSpec("api-gateway").podMetricsEndpoints, [
            { port: "metrics", path: "/metrics" },
        ]);
        for (const series of [
            "http_requests_total",
            "model_requests_total",
            "agent_created_total",
            "request_duration_seconds_bucket",
            "database_connections_total",
        ]) {
            const exporter = METRIC_CATALOG[series].exporter;
            assert.match(exporter, /namespace, pod, container, job, endpoint and instance by their PodMonitor/, series);
            assert.match(exporter, /no `service` label/, series);
            assert.match(exporter, /`endpoint` label arrives as `exported_endpoint`/, series);
        }
    });
});
