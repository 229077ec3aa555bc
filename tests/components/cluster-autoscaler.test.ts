// cluster-autoscaler: the release, the seed's settings as flags, the image tag table and its check,
// and the IAM documents (nothing mutating without the cluster's tag; trust for one service account).
import { strict as assert } from "assert";
import { clusterAutoscalerInput } from "../../components/addons";
import {
    clusterAutoscalerFlags,
    clusterAutoscalerImageCheck,
    clusterAutoscalerPolicy,
    clusterAutoscalerRelease,
    clusterAutoscalerValues,
    DESCRIBE_ACTIONS,
} from "../../components/cluster-autoscaler";
import { CLUSTER_AUTOSCALER_IMAGE_TAGS, EKS_ADDON_VERSIONS } from "../../catalog/compatibility";
import { PolicyStatement, podIdentityTrustPolicy } from "../../components/pod-identity-role";
import { monitoringTarget } from "../../components/prometheus-stack";
import { PlatformConfig } from "../../config";
import { checkedWith, fixtureStack, stackConfig } from "../helpers/stacks";

const configWith = (overrides: Record<string, unknown>) => checkedWith("production", overrides);

function valid(overrides: Record<string, unknown>): PlatformConfig {
    const result = configWith(overrides);
    if (!result.ok) {
        throw new Error(result.errors.join("\n"));
    }
    return result.config;
}

const list = (value: string | readonly string[] | undefined) =>
    value === undefined ? [] : typeof value === "string" ? [value] : [...value];

describe("cluster-autoscaler", () => {
    const production = stackConfig("production");
    const input = clusterAutoscalerInput(production, monitoringTarget(production.addons.prometheus));
    const release = clusterAutoscalerRelease(input);
    const values = release.values as Record<string, any>;

    it("is release cluster-autoscaler of chart cluster-autoscaler 9.59.0 from kubernetes.github.io/autoscaler in kube-system", () => {
        assert.deepEqual(
            {
                name: release.name,
                chart: release.chart,
                repo: release.repo,
                version: release.version,
                namespace: release.namespace,
            },
            {
                name: "cluster-autoscaler",
                chart: "cluster-autoscaler",
                repo: "https://kubernetes.github.io/autoscaler",
                version: "9.59.0",
                namespace: "kube-system",
            },
        );
    });

    it("discovers the node groups of this cluster in the stack's region, with an explicit service account", () => {
        assert.equal(values.cloudProvider, "aws");
        assert.equal(values.awsRegion, "us-east-1");
        assert.deepEqual(values.autoDiscovery, { clusterName: "berrys-production" });
        assert.deepEqual(values.rbac, { serviceAccount: { create: true, name: "cluster-autoscaler" } });
        // Auto-discovery tags are the chart's default list: a list given here would replace it whole.
        assert.ok(!("tags" in values.autoDiscovery));
    });

    it("turns every setting of the seed's ClusterAutoscaler object into a flag", () => {
        assert.deepEqual(values.extraArgs, {
            "scale-down-delay-after-add": "10m",
            "scale-down-delay-after-delete": "10m",
            "scale-down-delay-after-failure": "3m",
            "scale-down-unneeded-time": "10m",
            "skip-nodes-with-local-storage": true,
            "skip-nodes-with-system-pods": true,
            "balance-similar-node-groups": true,
            "emit-per-nodegroup-metrics": true,
            expander: "least-waste",
        });
    });

    it("takes the flags from config", () => {
        const settings = valid({
            addons: {
                clusterAutoscaler: {
                    scaleDownUnneededTime: "5m",
                    expander: "most-pods",
                    balanceSimilarNodeGroups: false,
                },
            },
        }).addons.clusterAutoscaler;
        const flags = clusterAutoscalerFlags(settings);
        assert.equal(flags["scale-down-unneeded-time"], "5m");
        assert.equal(flags.expander, "most-pods");
        assert.equal(flags["balance-similar-node-groups"], false);
    });

    it("runs system-cluster-critical with requests, a memory limit and a PDB that lets a drain move it", () => {
        assert.equal(values.priorityClassName, "system-cluster-critical");
        assert.deepEqual(values.resources, { requests: { cpu: "100m", memory: "300Mi" }, limits: { memory: "600Mi" } });
        assert.equal(values.replicaCount, 1);
        // The chart fails to render with both minAvailable and maxUnavailable.
        assert.deepEqual(values.podDisruptionBudget, { maxUnavailable: 1 });
    });

    it("enables the chart's ServiceMonitor in the monitoring namespace, with the labels Prometheus selects and release set (never the chart's prometheus-operator)", () => {
        assert.deepEqual(values.serviceMonitor, {
            enabled: true,
            namespace: "monitoring",
            selector: { release: "cluster-autoscaler" },
        });
        const external = valid({
            addons: {
                prometheus: { mode: "external", url: "http://prom.obs.svc:9090", selectorLabels: { team: "platform" } },
            },
        });
        const externalValues = clusterAutoscalerValues(
            clusterAutoscalerInput(external, monitoringTarget(external.addons.prometheus)),
        ) as Record<string, any>;
        assert.deepEqual(externalValues.serviceMonitor.selector, { release: "cluster-autoscaler", team: "platform" });
        const noOperator = valid({
            addons: { prometheus: { mode: "external", url: "http://prom.obs.svc:9090", monitoringObjects: false } },
        });
        const noOperatorValues = clusterAutoscalerValues(
            clusterAutoscalerInput(noOperator, monitoringTarget(noOperator.addons.prometheus)),
        ) as Record<string, any>;
        assert.deepEqual(noOperatorValues.serviceMonitor, { enabled: false });
    });

    describe("image tag", () => {
        it("is the newest patch for each Kubernetes minor with EKS add-on rows, and only those (kubernetes/autoscaler tags at 55c37cd)", () => {
            // A minor without EKS_ADDON_VERSIONS is refused at preview, so its image row could never be read.
            assert.deepEqual(CLUSTER_AUTOSCALER_IMAGE_TAGS, {
                "1.32": "v1.32.7",
                "1.33": "v1.33.6",
                "1.34": "v1.34.5",
                "1.35": "v1.35.2",
                "1.36": "v1.36.1",
            });
            assert.deepEqual(Object.keys(CLUSTER_AUTOSCALER_IMAGE_TAGS), Object.keys(EKS_ADDON_VERSIONS));
            for (const [minor, tag] of Object.entries(CLUSTER_AUTOSCALER_IMAGE_TAGS)) {
                assert.ok(tag.startsWith(`v${minor}.`), `${minor} -> ${tag}`);
            }
        });

        it("follows the cluster's minor (1.34 -> v1.34.5), not the chart's default v1.35.0", () => {
            assert.deepEqual(values.image, { tag: "v1.34.5" });
            const v133 = valid({ cluster: { version: "1.33" } });
            assert.deepEqual(
                (
                    clusterAutoscalerRelease(clusterAutoscalerInput(v133, monitoringTarget(v133.addons.prometheus)))
                        .values as any
                ).image,
                { tag: "v1.33.6" },
            );
        });

        it("an unknown minor is a config error that lists the known ones", () => {
            const result = configWith({ cluster: { version: "1.27" } });
            assert.equal(result.ok, false);
            const errors = result.ok ? [] : result.errors;
            assert.ok(
                errors.some(
                    (error) =>
                        error.startsWith(
                            "berrys-platform:cluster.version (1.27) must be a Kubernetes minor cluster-autoscaler has an image tag for (1.32, 1.33,",
                        ) && error.includes("berrys-platform:addons.clusterAutoscaler.imageTag"),
                ),
                errors.join("\n"),
            );
        });

        it("imageTag overrides the table (the autoscaler check then passes); a tag of another minor is a warning", () => {
            const base = valid({});
            const overridden = {
                ...base,
                addons: {
                    ...base.addons,
                    clusterAutoscaler: { ...base.addons.clusterAutoscaler, imageTag: "v1.37.0" },
                },
            };
            assert.deepEqual(
                clusterAutoscalerImageCheck({ ...overridden, cluster: { ...overridden.cluster, version: "1.37" } })
                    .errors,
                [],
            );
            // The minor still needs its row of EKS add-on versions (tests/catalog/compatibility.test.ts).
            const unknownMinor = configWith({
                cluster: { ...(fixtureStack("production").projectConfig.cluster as object), version: "1.37" },
                addons: { clusterAutoscaler: { imageTag: "v1.37.0" } },
            });
            assert.equal(unknownMinor.ok, false);
            const errors = unknownMinor.ok ? [] : unknownMinor.errors;
            assert.ok(
                errors.every((error) => !error.includes("cluster-autoscaler has an image tag")),
                errors.join("\n"),
            );
            assert.ok(
                errors.some((error) => error.includes("EKS_ADDON_VERSIONS")),
                errors.join("\n"),
            );
            const mismatch = clusterAutoscalerImageCheck(
                valid({ addons: { clusterAutoscaler: { imageTag: "v1.33.6" } } }),
            );
            assert.deepEqual(mismatch.errors, []);
            assert.match(
                mismatch.warnings[0],
                /^berrys-platform:addons\.clusterAutoscaler\.imageTag \(v1\.33\.6\) is not a release for Kubernetes 1\.34/,
            );
        });

        it("a disabled autoscaler needs no tag", () => {
            // Checked on its own: preview refuses 1.27 anyway, as past EKS's extended support.
            const disabled = valid({ addons: { clusterAutoscaler: { enabled: false } } });
            assert.deepEqual(
                clusterAutoscalerImageCheck({ ...disabled, cluster: { ...disabled.cluster, version: "1.27" } }),
                { errors: [], warnings: [] },
            );
        });
    });

    describe("IAM", () => {
        const policy = clusterAutoscalerPolicy("berrys-production");
        const mutating = (action: string) => !/^[a-z0-9]+:(Describe|Get|List)/.test(action);

        it("allows the describe calls on * and nothing else without a condition", () => {
            const unconditioned = policy.Statement.filter((statement) => statement.Condition === undefined);
            assert.deepEqual(
                unconditioned.flatMap((statement) => list(statement.Action)).sort(),
                [...DESCRIBE_ACTIONS].sort(),
            );
            assert.ok(
                unconditioned.flatMap((statement) => list(statement.Action)).every((action) => !mutating(action)),
            );
        });

        it("allows SetDesiredCapacity and TerminateInstanceInAutoScalingGroup only on groups tagged k8s.io/cluster-autoscaler/<cluster>=owned", () => {
            const statements = policy.Statement.filter((statement) => list(statement.Action).some(mutating));
            assert.equal(statements.length, 1);
            const [scaling] = statements as PolicyStatement[];
            assert.deepEqual(list(scaling.Action).sort(), [
                "autoscaling:SetDesiredCapacity",
                "autoscaling:TerminateInstanceInAutoScalingGroup",
            ]);
            assert.deepEqual(scaling.Condition, {
                StringEquals: { "aws:ResourceTag/k8s.io/cluster-autoscaler/berrys-production": "owned" },
            });
        });

        it("has no Deny, no NotAction and no wildcard action", () => {
            for (const statement of policy.Statement) {
                assert.equal(statement.Effect, "Allow");
                assert.ok(!("NotAction" in statement));
                assert.ok(list(statement.Action).every((action) => !action.includes("*")));
            }
        });

        it("trusts only kube-system/cluster-autoscaler of this cluster, through Pod Identity", () => {
            const cluster = {
                name: "berrys-production",
                accountId: "123456789012",
                region: "us-east-1",
                partition: "aws",
            };
            const trust = podIdentityTrustPolicy(cluster, "kube-system", input.settings.serviceAccountName);
            assert.deepEqual(trust.Statement[0].Principal, { Service: "pods.eks.amazonaws.com" });
            assert.deepEqual(trust.Statement[0].Condition?.StringEquals, {
                "aws:SourceAccount": "123456789012",
                "aws:RequestTag/eks-cluster-arn": "arn:aws:eks:us-east-1:123456789012:cluster/berrys-production",
                "aws:RequestTag/eks-cluster-name": "berrys-production",
                "aws:RequestTag/kubernetes-namespace": "kube-system",
                "aws:RequestTag/kubernetes-service-account": "cluster-autoscaler",
            });
        });
    });
});
