// Grafana reads ConfigMaps and Secrets in its own namespace only (issue 21): the values as Helm
// merges them over kube-prometheus-stack's `grafana:` and the grafana chart's own defaults.
import { strict as assert } from "assert";
import { releaseSpecs } from "../../components/addons";
import { chartDefaults, helmMerge, Values } from "../helpers/helm-values";
import { stackConfig } from "../helpers/stacks";

/** What the grafana subchart renders from: its defaults, kube-prometheus-stack's `grafana:`, the program's. */
function grafanaValues(stack: string): Record<string, any> {
    const spec = releaseSpecs(stackConfig(stack)).find((release) => release.chart === "kube-prometheus-stack");
    assert.ok(spec, "kube-prometheus-stack is installed");
    const kpsDefaults = chartDefaults("kube-prometheus-stack");
    return helmMerge(
        helmMerge(chartDefaults("grafana"), kpsDefaults.grafana),
        (spec.values as Values).grafana,
    ) as Record<string, any>;
}

describe("Grafana isolated in the monitoring namespace (issue 21)", () => {
    for (const stack of ["production", "staging"]) {
        it(`${stack}: a Role in its namespace, no ClusterRole reading every Secret`, () => {
            const values = grafanaValues(stack);
            // grafana-12.11.1 templates/clusterrole.yaml and clusterrolebinding.yaml render when
            // `rbac.create and (not rbac.namespaced or rbac.extraClusterRoleRules)`; templates/role.yaml
            // renders a Role (configmaps and secrets: get, watch, list) in the release namespace plus
            // `rbac.namespaces` when rbac.namespaced.
            assert.equal(values.rbac.create, true);
            assert.equal(values.rbac.namespaced, true);
            assert.deepEqual(values.rbac.extraClusterRoleRules, []);
            assert.deepEqual(values.rbac.namespaces, []);
        });

        it(`${stack}: the dashboard and data source sidecars watch the monitoring namespace only`, () => {
            const sidecar = grafanaValues(stack).sidecar;
            // kube-prometheus-stack-88.5.3 values.yaml sets grafana.sidecar.dashboards.searchNamespace: ALL;
            // grafana-12.11.1 templates/_pod.tpl passes searchNamespace as the sidecar's NAMESPACE, and
            // without one the sidecar (k8s-sidecar) watches its pod's own namespace.
            assert.equal(sidecar.dashboards.searchNamespace, "monitoring");
            for (const other of ["datasources", "alerts", "notifiers", "plugins"]) {
                assert.equal(sidecar[other].searchNamespace ?? null, null, other);
            }
        });
    }
});
