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

    it("each is released under its chart's name, one release per chart", () => {
        for (const chart of charts) assert.equal(chart.release, chart.chart);
        assert.equal(new Set(charts.map((chart) => chart.release)).size, charts.length);
    });

    it("node-exporter has a namespace of its own, apart from the monitoring namespace the other monitoring charts share", () => {
        assert.notEqual(NODE_EXPORTER_NAMESPACE, MONITORING_NAMESPACE);
        assert.equal(PROMETHEUS_ADAPTER_CHART.namespace, MONITORING_NAMESPACE);
        assert.equal(KUBE_PROMETHEUS_STACK_CHART.namespace, MONITORING_NAMESPACE);
    });
});
