// The program owns the monitoring namespace with Pod Security `baseline`, adopting the one an
// earlier Helm install created and never deleting it, and runs node-exporter (hostNetwork, hostPID,
// hostPath) in a namespace of its own labelled `privileged` (issue 21).
import { strict as assert } from "assert";
import { MockRun } from "../../tools/mock-engine";
import { runStack } from "../helpers/program";
import { externalPrometheus } from "../helpers/stacks";

const EXTERNAL = { prometheus: externalPrometheus() };

function namespace(run: MockRun, name: string) {
    return run.registered.filter((r) => r.type === "kubernetes:core/v1:Namespace" && r.inputs.metadata?.name === name);
}

function declaredOf(run: MockRun, type: string, resourceName: string) {
    const found = run.declared.find((r) => r.type === type && r.name === resourceName);
    assert.ok(found, `${type} ${resourceName} is declared`);
    return found;
}

function release(run: MockRun, chart: string) {
    const found = run.registered.find((r) => r.type === "kubernetes:helm.sh/v3:Release" && r.inputs.chart === chart);
    assert.ok(found, `${chart} is installed`);
    return found;
}

/** The names of the components a declared resource waits for. */
function waitsFor(run: MockRun, type: string, chart: string): string[] {
    const registered = release(run, chart);
    const declared = declaredOf(run, type, registered.name);
    return ([] as unknown[])
        .concat(declared.opts.dependsOn ?? [])
        .map((resource) => (resource as object).constructor.name);
}

describe("the monitoring namespaces (issue 21)", () => {
    it("monitoring: enforces Pod Security baseline, adopted through an upserting provider, kept on delete", async () => {
        const run = await runStack("production");
        const [monitoring] = namespace(run, "monitoring");
        assert.ok(monitoring, "the program declares the monitoring namespace");
        assert.equal(monitoring.inputs.metadata.labels["pod-security.kubernetes.io/enforce"], "baseline");
        assert.equal(monitoring.inputs.metadata.labels["pod-security.kubernetes.io/warn"], "restricted");
        // A live namespace Helm created before (createNamespace) would fail the create without the upsert
        // (@pulumi/kubernetes 4.34.2 provider.d.ts `upsertExistingObjects`).
        const provider = run.registered.find(
            (r) => r.type === "pulumi:providers:kubernetes" && (monitoring.provider ?? "").includes(`::${r.name}::`),
        );
        assert.ok(provider, `the namespace's provider ${monitoring.provider} is registered`);
        assert.ok(
            [true, "true"].includes(provider.inputs.upsertExistingObjects),
            "the provider adopts a live namespace",
        );
        assert.ok([true, "true"].includes(provider.inputs.enableServerSideApply));
        assert.equal(
            declaredOf(run, "kubernetes:core/v1:Namespace", monitoring.name).opts.retainOnDelete,
            true,
            "Prometheus's volumes live there",
        );
        // Only this namespace goes through the upserting provider.
        const adopted = run.registered.filter((r) => r.provider === monitoring.provider);
        assert.deepEqual(
            adopted.map((r) => r.name),
            [monitoring.name],
        );
    });

    it("node-exporter: its own namespace, privileged, where the chart puts it; no Helm release creates a namespace", async () => {
        const run = await runStack("production");
        const [nodeExporter] = namespace(run, "node-exporter");
        assert.ok(nodeExporter, "the program declares node-exporter's namespace");
        assert.equal(nodeExporter.inputs.metadata.labels["pod-security.kubernetes.io/enforce"], "privileged");
        const kps = release(run, "kube-prometheus-stack");
        // prometheus-node-exporter-4.56.1 templates/_helpers.tpl `prometheus-node-exporter.namespace`:
        // namespaceOverride, else the release namespace (monitoring, where baseline would refuse it).
        assert.equal(kps.inputs.values["prometheus-node-exporter"].namespaceOverride, "node-exporter");
        for (const chart of ["kube-prometheus-stack", "prometheus-adapter", "metrics-server", "cluster-autoscaler"]) {
            assert.equal(release(run, chart).inputs.createNamespace, false, chart);
        }
        assert.ok(
            waitsFor(run, "kubernetes:helm.sh/v3:Release", "kube-prometheus-stack").includes("MonitoringNamespaces"),
        );
        assert.ok(
            waitsFor(run, "kubernetes:helm.sh/v3:Release", "prometheus-adapter").includes("MonitoringNamespaces"),
        );
    });

    it("with an external Prometheus: monitoring still owned (the adapter and the dashboard live there), no node-exporter namespace", async () => {
        const run = await runStack("staging", { configOverrides: { "berrys-platform:addons": EXTERNAL } });
        assert.equal(namespace(run, "monitoring").length, 1);
        assert.equal(namespace(run, "node-exporter").length, 0);
    });
});
