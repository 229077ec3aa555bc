// schema/addons.ts: the Helm-installed add-ons' keys. A value Helm, the chart or the API server
// would refuse at `pulumi up`, or one that installs an add-on that cannot work, is refused at
// preview with the key and what is allowed.
import { strict as assert } from "assert";
import { errorLines, RawConfig } from "../helpers/bad-configs";

/** The first line of each error for the production fixture with `addons` set to `addons`. */
const errorsWithAddons = (addons: Record<string, unknown>) =>
    errorLines((raw: RawConfig) => {
        raw.addons = addons;
    });

describe("schema/addons: values the add-ons' install would refuse", () => {
    it("a chart version is a full semantic version, and an image tag cluster-autoscaler's v-prefixed one", () => {
        assert.deepEqual(errorsWithAddons({ clusterAutoscaler: { chartVersion: "9.59" } }), [
            'berrys-platform:addons.clusterAutoscaler.chartVersion ("9.59") must be a chart version such as 9.59.0',
        ]);
        assert.deepEqual(errorsWithAddons({ clusterAutoscaler: { imageTag: "1.34.5" } }), [
            'berrys-platform:addons.clusterAutoscaler.imageTag ("1.34.5") must be an image tag such as v1.34.5',
        ]);
    });

    it("cluster-autoscaler's expander: the ones that work on AWS without more config, named in the error", () => {
        // `price` prices GCE machines only; `priority` needs a ConfigMap the program does not write.
        for (const expander of ["price", "priority"]) {
            assert.deepEqual(errorsWithAddons({ clusterAutoscaler: { expander } }), [
                `berrys-platform:addons.clusterAutoscaler.expander ("${expander}") must be one of least-waste, most-pods, random`,
            ]);
        }
    });

    it("an external Prometheus is an http(s) URL the adapter's pod can reach: not a loopback address", () => {
        for (const url of [
            "http://localhost:9090",
            "http://127.0.0.1:9090",
            "http://[::1]:9090",
            "http://0.0.0.0:9090",
        ]) {
            const [error] = errorsWithAddons({ prometheus: { mode: "external", url } });
            assert.match(
                error,
                /^berrys-platform:addons\.prometheus\.url \(.*\) must not be a loopback address: the adapter's pod would reach itself/,
                url,
            );
        }
        assert.match(
            errorsWithAddons({ prometheus: { mode: "external", url: "prometheus:9090" } })[0],
            /^berrys-platform:addons\.prometheus\.url \("prometheus:9090"\) must be an http\(s\) URL/,
        );
        assert.deepEqual(
            errorsWithAddons({
                prometheus: { mode: "external", url: "http://prometheus-operated.observability.svc:9090" },
            }),
            [],
        );
        assert.match(
            errorsWithAddons({ prometheus: { mode: "remote" } })[0],
            /^berrys-platform:addons\.prometheus\.mode \("remote"\) must have mode "install" .* or "external"/,
        );
    });

    it("an adapter rule reads a counter: its series ends in _total", () => {
        assert.deepEqual(
            errorsWithAddons({
                prometheusAdapter: { rules: [{ series: "model_requests", metric: "model_requests_per_second" }] },
            }),
            [
                'berrys-platform:addons.prometheusAdapter.rules.0.series ("model_requests") must be a Prometheus counter name ending in _total',
            ],
        );
    });

    it("an add-on's memory request at most its limit, and at least one replica", () => {
        assert.match(
            errorsWithAddons({
                metricsServer: {
                    resources: { requests: { cpu: "100m", memory: "1Gi" }, limits: { memory: "400Mi" } },
                },
            })[0],
            /^berrys-platform:addons\.metricsServer\.resources\.requests\.memory \("1Gi"\) must be <= limits\.memory \(400Mi\): the API server refuses/,
        );
        assert.deepEqual(errorsWithAddons({ metricsServer: { replicas: 0 } }), [
            "berrys-platform:addons.metricsServer.replicas (0) must be >= 1",
        ]);
    });
});
