// Families 4 and 5 of issue 22: capacity that can never be reached is an error, and add-on settings
// that quietly empty the scaling path are refused at preview.
import { strict as assert } from "assert";
import { RESERVED_NAMESPACES } from "../../components/namespace-guardrails";
import { preflight } from "../../preflight";
import { baseStack, RawConfig } from "../helpers/bad-configs";

function run(change: (raw: RawConfig) => void) {
    const { raw, context } = baseStack();
    change(raw);
    return preflight(raw, context);
}
const errorsWith = (change: (raw: RawConfig) => void) => {
    const result = run(change);
    return result.ok ? [] : result.errors.map((error) => error.split("\n")[0]);
};

describe("capacity that can never be reached (issue 22, family 4)", () => {
    it("a quota that holds min replicas but admits no pod more: the services it stops can never scale up", () => {
        // The seed's services at min replicas request 10 pods.
        const errors = errorsWith((raw) => {
            raw.namespace.quota.pods = "10";
        });
        assert.ok(
            errors.some((error) =>
                /^berrys-platform:namespace\.quota\.pods \(10\) must leave room above min replicas \(10\): .*agent-orchestrator.* can never scale up$/.test(
                    error,
                ),
            ),
            errors.join("\n"),
        );
    });

    it("a quota that leaves a service no room for its rolling update's surge at min replicas", () => {
        // 10 pods at min + api-gateway's 25 % of 2 = 1 surge pod.
        const errors = errorsWith((raw) => {
            raw.namespace.quota.pods = "11";
            for (const name of Object.keys(raw.services))
                raw.services[name].maxSurge = name === "web-dashboard" ? 2 : 1;
        });
        assert.ok(
            errors.some((error) =>
                /^berrys-platform:namespace\.quota\.pods \(11\) must admit a rolling update's surge at min replicas: web-dashboard cannot surge$/.test(
                    error,
                ),
            ),
            errors.join("\n"),
        );
    });

    it("the seed's quota at max replicas stays a warning: the stack works below it", () => {
        const result = run(() => undefined);
        assert.ok(result.ok);
        assert.ok(
            result.warnings.some((warning) =>
                warning.startsWith("berrys-platform:namespace.quota.limits.cpu (32) < 45.5 needed at max replicas"),
            ),
        );
    });

    it("no node group starts a node: nothing runs cluster-autoscaler, so none is ever added", () => {
        const errors = errorsWith((raw) => {
            Object.assign(raw.nodeGroups["default-node-group"], { minSize: 0, desiredSize: 0 });
        });
        assert.deepEqual(errors, [
            "berrys-platform:nodeGroups.default-node-group.desiredSize (0) must be >= 1 in at least one node group: " +
                "cluster-autoscaler needs a node to run on before it can add one",
        ]);
    });

    it("private subnets too small for the nodes at maxSize and their pods (one VPC address each); warm ENIs a warning", () => {
        // A /22 split for 3 zones: private /25s of 128 - 5 reserved = 123 addresses each.
        const small = (maxSize: number) => (raw: RawConfig) => {
            raw.network.cidrBlock = "10.40.0.0/22";
            Object.assign(raw.nodeGroups["default-node-group"], { maxSize });
        };
        const errors = errorsWith(small(400));
        assert.ok(
            errors.some((error) =>
                /^berrys-platform:network\.cidrBlock \(10\.40\.0\.0\/22\) must give each zone more than 123 usable addresses: 134 nodes and \d+ pods per zone/.test(
                    error,
                ),
            ),
            errors.join("\n"),
        );
        // 10 m6i.xlarge (58 pods each) hold 580 addresses when busy: 194 per zone, above 123: a warning only.
        const result = run(small(10));
        assert.ok(result.ok, result.ok ? "" : result.message);
        assert.ok(
            result.warnings.some((warning) =>
                warning.startsWith(
                    "berrys-platform:network.cidrBlock (10.40.0.0/22) leaves 123 addresses per zone, fewer than the 194 its busy nodes hold at maxSize",
                ),
            ),
            result.warnings.join("\n"),
        );
        assert.ok(
            !run(() => undefined).warnings.some((warning) => warning.includes("network.cidrBlock")),
            "the seed's /16 holds them",
        );
    });

    it("an add-on pod whose requests fit no node's allocatable (Prometheus on m6i.xlarge, 4 vCPU / 16 GiB)", () => {
        const errors = errorsWith((raw) => {
            raw.addons = {
                prometheus: {
                    mode: "install",
                    resources: { requests: { cpu: "500m", memory: "20Gi" }, limits: { memory: "24Gi" } },
                },
            };
        });
        assert.ok(
            errors.some((error) =>
                /^berrys-platform:addons\.prometheus\.resources\.requests \(cpu 500m, memory 20Gi\) must fit on a node: the largest offers /.test(
                    error,
                ),
            ),
            errors.join("\n"),
        );
    });
});

describe("add-on settings that empty the scaling path (issue 22, family 5)", () => {
    it("metrics-server off while HPAs scale on cpu or memory", () => {
        assert.match(
            errorsWith((raw) => {
                raw.addons = { metricsServer: { enabled: false } };
            })[0],
            /^berrys-platform:addons\.metricsServer\.enabled \(false\) must be true while HPAs scale on cpu or memory \(agent-orchestrator, model-orchestration, api-gateway, web-dashboard\)/,
        );
    });

    it("an adapter rate window shorter than two scrapes (30 s each)", () => {
        const rules = [
            { series: "model_requests_total", metric: "model_requests_per_second", window: "45s" },
            { series: "http_requests_total", metric: "http_requests_per_second", window: "1m" },
        ];
        assert.deepEqual(
            errorsWith((raw) => {
                raw.addons = { prometheusAdapter: { rules } };
            }),
            [
                "berrys-platform:addons.prometheusAdapter.rules.0.window (45s) must be at least two scrape intervals (60s): rate() needs two samples, so model_requests_per_second would read <unknown>",
            ],
        );
    });

    it("an external Prometheus URL no pod can reach (localhost, loopback) or that is malformed", () => {
        for (const url of [
            "http://localhost:9090",
            "http://127.0.0.1:9090",
            "http://[::1]:9090",
            "http://prometheus:9090:80",
            "prometheus.monitoring.svc:9090",
        ]) {
            const errors = errorsWith((raw) => {
                raw.addons = { prometheus: { mode: "external", url } };
            });
            assert.equal(errors.length, 1, `${url}: ${errors.join("\n")}`);
            assert.match(errors[0], /^berrys-platform:addons\.prometheus\.url /);
        }
        assert.deepEqual(
            errorsWith((raw) => {
                raw.addons = {
                    prometheus: { mode: "external", url: "http://prometheus-operated.monitoring.svc:9090" },
                };
            }),
            [],
        );
    });

    it("the services' namespace colliding with one every cluster has or the add-ons own", () => {
        for (const name of RESERVED_NAMESPACES) {
            const errors = errorsWith((raw) => {
                raw.namespace.name = name;
            });
            assert.ok(
                errors.some((error) => error.startsWith(`berrys-platform:namespace.name (${name}) must not be `)),
                `${name}: ${errors.join("\n")}`,
            );
        }
    });

    it("a cluster-autoscaler image newer than the cluster's minor is an error; an older one stays a warning", () => {
        assert.deepEqual(
            errorsWith((raw) => {
                raw.addons = { clusterAutoscaler: { imageTag: "v1.35.0" } };
            }),
            [
                "berrys-platform:addons.clusterAutoscaler.imageTag (v1.35.0) must not be newer than the cluster's minor (1.34): it may call APIs the control plane does not serve",
            ],
        );
        assert.ok(
            run((raw) => {
                raw.addons = { clusterAutoscaler: { imageTag: "v1.33.0" } };
            }).ok,
        );
    });

    it("an alert threshold that can never be crossed: more direction changes than the thrashing window holds", () => {
        // One sample per 30 s evaluation: 2m holds 4 samples, so at most 3 changes; "> 4" never fires.
        assert.deepEqual(
            errorsWith((raw) => {
                raw.addons = { monitoring: { thrashing: { directionChanges: 4, window: "2m" } } };
            }),
            [
                "berrys-platform:addons.monitoring.thrashing.directionChanges (4) must be below 3, the most direction changes 2m holds at one evaluation per 30s: HpaThrashing could never fire",
            ],
        );
        assert.deepEqual(
            errorsWith((raw) => {
                raw.addons = { monitoring: { thrashing: { directionChanges: 4, window: "5m" } } };
            }),
            [],
        );
    });
});
