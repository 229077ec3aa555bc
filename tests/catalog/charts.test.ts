// catalog/charts.ts: the charts the program installs are the ones whose default values
// tests/fixtures/charts/ holds (the values-key checks read those), and node-exporter, which needs
// the host's network and PIDs, is kept out of the monitoring namespace.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import {
    CLUSTER_AUTOSCALER_CHART,
    KUBE_PROMETHEUS_STACK_CHART,
    METRICS_SERVER_CHART,
    MONITORING_NAMESPACE,
    NODE_EXPORTER_NAMESPACE,
    PROMETHEUS_ADAPTER_CHART,
} from "../../catalog/charts";

const FIXTURES = path.join(__dirname, "..", "fixtures", "charts");

/** The fixtures README's table: chart name -> Helm repository. */
function fixtureRepositories(): Map<string, string> {
    const readme = fs.readFileSync(path.join(FIXTURES, "README.md"), "utf8");
    const rows = [...readme.matchAll(/^\| ([a-z-]+) \| (https:\/\/\S+) \| /gm)];
    return new Map(rows.map((row) => [row[1], row[2]]));
}

describe("the charts the add-ons install", () => {
    const charts = [
        CLUSTER_AUTOSCALER_CHART,
        METRICS_SERVER_CHART,
        PROMETHEUS_ADAPTER_CHART,
        KUBE_PROMETHEUS_STACK_CHART,
    ];

    it("each comes from the repository the fixtures' defaults were read from, and has its default values there", () => {
        const repositories = fixtureRepositories();
        assert.ok(repositories.size >= charts.length, [...repositories.keys()].join(", "));
        for (const chart of charts) {
            assert.equal(chart.repo, repositories.get(chart.chart), chart.chart);
            assert.ok(fs.existsSync(path.join(FIXTURES, `${chart.chart}.values.yaml`)), chart.chart);
        }
    });

    it("the adapter's and Prometheus's release names give their Services the names the program dials", () => {
        // Both charts' fullname helpers return the release name when it contains the chart's name
        // (prometheus-adapter 5.3.0 `k8s-prometheus-adapter.fullname`; kube-prometheus-stack 88.5.3
        // `kube-prometheus-stack.fullname`, cut at 26 characters), and components/prometheus-adapter.ts
        // ADAPTER_SERVICE_NAME and components/prometheus-stack.ts INSTALLED_PROMETHEUS_URL name the
        // Services from the release name alone.
        for (const chart of [PROMETHEUS_ADAPTER_CHART, KUBE_PROMETHEUS_STACK_CHART]) {
            assert.ok(chart.release.includes(chart.chart), chart.release);
        }
        assert.ok(KUBE_PROMETHEUS_STACK_CHART.release.length <= 26, KUBE_PROMETHEUS_STACK_CHART.release);
    });

    it("node-exporter has a namespace of its own, apart from the monitoring namespace the other monitoring charts share", () => {
        assert.notEqual(NODE_EXPORTER_NAMESPACE, MONITORING_NAMESPACE);
        assert.equal(PROMETHEUS_ADAPTER_CHART.namespace, MONITORING_NAMESPACE);
        assert.equal(KUBE_PROMETHEUS_STACK_CHART.namespace, MONITORING_NAMESPACE);
    });
});
