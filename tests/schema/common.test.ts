// schema/common.ts (issue 22, family 2): every value the program passes to the Kubernetes API is
// checked as the API server checks it (kubernetes v1.34 and k8s.io/apimachinery v0.34
// pkg/util/validation), so preview refuses it instead of `pulumi up` failing half-way.
import { strict as assert } from "assert";
import {
    dnsSubdomainProblem,
    labelValueProblem,
    lookAlikeHint,
    promLabelNameProblem,
    qualifiedNameProblem,
} from "../../schema/common";
import { assertRejected, errorLines, errorsOf, productionRaw } from "../helpers/bad-configs";

describe("Kubernetes API validation on the values passed through (issue 22, family 2)", () => {
    it("IsQualifiedName: an optional DNS-subdomain prefix, then 1-63 characters of [A-Za-z0-9-_.] starting and ending alphanumeric", () => {
        for (const good of [
            "team",
            "app.kubernetes.io/name",
            "example.com/a_b-c.d",
            "a".repeat(63),
            `${"p".repeat(200)}/x`,
        ]) {
            assert.equal(qualifiedNameProblem(good), undefined, good);
        }
        for (const bad of [
            "",
            "-team",
            "team-",
            "a".repeat(64),
            "/name",
            "Example.com/name",
            "example.com/",
            "a b",
            "a/b/c",
        ]) {
            assert.notEqual(qualifiedNameProblem(bad), undefined, JSON.stringify(bad));
        }
    });

    it("IsValidLabelValue: empty, or at most 63 characters of the same alphabet", () => {
        for (const good of ["", "v1", "a.b_c-d", "x".repeat(63)])
            assert.equal(labelValueProblem(good), undefined, good);
        for (const bad of ["x".repeat(64), "-v1", "v1.", "a b", "a/b"])
            assert.notEqual(labelValueProblem(bad), undefined, bad);
    });

    it("IsDNS1123Subdomain: lower-case labels joined by dots, at most 253 characters", () => {
        for (const good of ["cluster-autoscaler", "ca.kube-system", "a"])
            assert.equal(dnsSubdomainProblem(good), undefined, good);
        for (const bad of ["Cluster-Autoscaler", "ca_sa", "-ca", "ca.", ".ca", "a".repeat(254)])
            assert.notEqual(dnsSubdomainProblem(bad), undefined, bad);
    });

    it("names a look-alike character pasted from a document by its code point", () => {
        assert.equal(lookAlikeHint("team\u2010a"), " (U+2010 is a non-ASCII look-alike: retype it)");
        assert.equal(lookAlikeHint("team-a"), "");
        const errors = errorLines((raw) => {
            raw.services["api-gateway"].metrics[2].selector = { "team\u2011name": "a" };
        });
        assert.match(errors[0], /U\+2011 is a non-ASCII look-alike/);
        const service = errorLines((raw) => {
            raw.services["api\u2010gateway"] = raw.services["api-gateway"];
            delete raw.services["api-gateway"];
        });
        assert.ok(
            service.some((error) => error.includes("U+2010")),
            service.join("\n"),
        );
    });

    it("refuses a ServiceAccount name that is not a DNS-1123 subdomain", () => {
        assert.deepEqual(
            errorLines((raw) => {
                raw.addons = { clusterAutoscaler: { serviceAccountName: "Cluster_Autoscaler" } };
            }),
            [
                "berrys-platform:addons.clusterAutoscaler.serviceAccountName (\"Cluster_Autoscaler\") must be a DNS-1123 subdomain: lower-case letters, digits, '-' and '.'",
            ],
        );
    });

    it('refuses metric targets and volume sizes that are not positive (validateMetricTarget: "must be positive")', () => {
        const zero = (metric: Record<string, unknown>) =>
            errorLines((raw) => {
                raw.services["api-gateway"].metrics[2] = metric;
            });
        assert.deepEqual(zero({ type: "Pods", name: "http_requests_per_second", averageValue: "0" }), [
            'berrys-platform:services.api-gateway.metrics.2.averageValue ("0") must be positive: the API server refuses 0',
        ]);
        assert.deepEqual(
            errorLines((raw) => {
                raw.services["api-gateway"].metrics[0] = { type: "Resource", name: "cpu", averageValue: "0m" };
            }),
            [
                'berrys-platform:services.api-gateway.metrics.0.averageValue ("0m") must be positive: the API server refuses 0',
            ],
        );
        assert.match(
            errorLines((raw) => {
                raw.addons = { prometheus: { mode: "install", storageSize: "0Gi" } };
            })[0],
            /^berrys-platform:addons\.prometheus\.storageSize \("0Gi"\) must be positive/,
        );
    });

    it("refuses a PDB percentage above 100 % (ValidatePodDisruptionBudgetSpec, IsNotMoreThan100Percent)", () => {
        assert.deepEqual(
            errorLines((raw) => {
                raw.services["api-gateway"].pdb = { maxUnavailable: "150%" };
            }),
            ['berrys-platform:services.api-gateway.pdb.maxUnavailable ("150%") must not be more than 100%'],
        );
        assert.deepEqual(
            errorLines((raw) => {
                raw.services["api-gateway"].pdb = { maxUnavailable: "100%" };
            }),
            [],
        );
    });

    it("label keys and values everywhere labels are given: node groups and the external Prometheus's selector", () => {
        assert.match(
            errorLines((raw) => {
                raw.nodeGroups["default-node-group"].labels = { ["t".repeat(64)]: "x" };
            })[0],
            /must be at most 63 characters/,
        );
        assert.match(
            errorLines((raw) => {
                raw.addons = {
                    prometheus: {
                        mode: "external",
                        url: "http://prometheus.monitoring.svc:9090",
                        selectorLabels: { release: "kube prometheus" },
                    },
                };
            })[0],
            /selectorLabels\.release \("kube prometheus"\) must be a label value/,
        );
    });

    it("the adapter's metric selectors: label names in PromQL's grammar (Prometheus LabelNameRE), not only Kubernetes'", () => {
        assert.equal(promLabelNameProblem("team"), undefined);
        assert.equal(promLabelNameProblem("k8s_app"), undefined);
        for (const bad of ["app.kubernetes.io/name", "team-name", "9lives", "__name__"])
            assert.notEqual(promLabelNameProblem(bad), undefined, bad);
        const errors = errorLines((raw) => {
            raw.services["api-gateway"].metrics[2].selector = { "app.kubernetes.io/name": "api" };
        });
        assert.deepEqual(errors, [
            "berrys-platform:services.api-gateway.metrics.2.selector.app.kubernetes.io/name (a key) must be a PromQL label name ([a-zA-Z_][a-zA-Z0-9_]*): the adapter puts it in its query",
        ]);
    });
});

describe("schema/common: quantities", () => {
    it("a malformed quantity such as 48Gx", () => {
        const raw = productionRaw();
        raw.namespace.quota["requests.memory"] = "48Gx";
        assertRejected(errorsOf(raw), "namespace.quota.requests.memory", /\("48Gx"\) must be a Kubernetes quantity/);
        const service = productionRaw();
        service.services["agent-orchestrator"].resources.limits.cpu = "1 core";
        assertRejected(
            errorsOf(service),
            "services.agent-orchestrator.resources.limits.cpu",
            /must be a Kubernetes quantity/,
        );
    });
});
