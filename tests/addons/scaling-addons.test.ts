// The add-ons in the whole program under mocks: what is registered, in which namespace, waiting for
// what, and the stack outputs they add.
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { releaseSpecs } from "../../components/addons";
import { MockRun } from "../../tools/mock-engine";
import { runStack } from "../helpers/program";
import { stackConfig } from "../helpers/stacks";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const EXTERNAL = {
    mode: "external",
    url: "http://prometheus-operated.observability.svc:9090",
    selectorLabels: { prometheus: "main" },
};

const releases = (run: MockRun) => run.registered.filter((resource) => resource.type === RELEASE);
const podMonitors = (run: MockRun) => run.registered.filter((resource) => resource.inputs.kind === "PodMonitor");
const ofType = (run: MockRun, type: string) => run.registered.filter((resource) => resource.type === type);

/** Names of the resources a declared resource depends on explicitly. */
function dependencyNames(run: MockRun, type: string, name: string): string[] {
    const declared = run.declared.find((resource) => resource.type === type && resource.name === name);
    assert.ok(declared, `${type} ${name} not declared`);
    const dependsOn = (declared.opts.dependsOn ?? []) as pulumi.Resource[];
    return (Array.isArray(dependsOn) ? dependsOn : [dependsOn]).map(
        (dependency) => (dependency as any).__name as string,
    );
}

/** The adapter's certificate is made at deploy (api-service-tls.test.ts checks it); the builder shows `tls.enable` only. */
function withoutCertificate(values: Record<string, any>): Record<string, any> {
    if (values.tls === undefined) return values;
    const tls = { ...values.tls };
    delete tls.ca;
    delete tls.certificate;
    delete tls.key;
    return { ...values, tls };
}

describe("scaling add-ons in the program (mocked)", function () {
    let production: MockRun;
    let external: MockRun;
    let noOperator: MockRun;
    before(async () => {
        production = await runStack("production");
        external = await runStack("production", {
            configOverrides: { "berrys-platform:addons": { prometheus: EXTERNAL } },
        });
        noOperator = await runStack("staging", {
            configOverrides: {
                "berrys-platform:addons": {
                    prometheus: { mode: "external", url: "http://prometheus.example:9090", monitoringObjects: false },
                },
            },
        });
    });

    it("registers each release with the builder's name, chart, repository, version, namespace and values", () => {
        const expected = releaseSpecs(stackConfig("production"));
        assert.deepEqual(
            releases(production)
                .map((release) => release.inputs.name)
                .sort(),
            expected.map((spec) => spec.name).sort(),
        );
        for (const spec of expected) {
            const release = releases(production).find((candidate) => candidate.inputs.name === spec.name)!;
            assert.equal(release.inputs.chart, spec.chart);
            assert.equal(release.inputs.version, spec.version);
            assert.equal(release.inputs.namespace, spec.namespace);
            assert.deepEqual(release.inputs.repositoryOpts, { repo: spec.repo });
            assert.deepEqual(withoutCertificate(release.inputs.values), spec.values);
            assert.equal(release.inputs.skipAwait, false);
        }
    });

    it("makes every release wait for the node group", () => {
        for (const release of releases(production)) {
            assert.ok(
                dependencyNames(production, RELEASE, release.name).includes("berrys-default-node-group"),
                release.name,
            );
        }
    });

    it("starts cluster-autoscaler after its Pod Identity role and the kube-prometheus-stack CRDs", () => {
        const dependencies = dependencyNames(production, RELEASE, "berrys-addons-cluster-autoscaler-release");
        assert.ok(dependencies.includes("berrys-addons-cluster-autoscaler-identity"));
        assert.ok(dependencies.includes("berrys-addons-prometheus-release"));
        const associations = ofType(production, "aws:eks/podIdentityAssociation:PodIdentityAssociation").map(
            (association) => association.inputs,
        );
        assert.ok(
            associations.some(
                (association) =>
                    association.namespace === "kube-system" && association.serviceAccount === "cluster-autoscaler",
            ),
        );
        assert.ok(
            associations.some(
                (association) =>
                    association.namespace === "kube-system" && association.serviceAccount === "ebs-csi-controller-sa",
            ),
        );
    });

    it("attaches the autoscaler's own tag-scoped policy inline and no managed policy to its role", () => {
        const policies = ofType(production, "aws:iam/rolePolicy:RolePolicy").filter((policy) =>
            policy.name.startsWith("berrys-addons-cluster-autoscaler"),
        );
        assert.equal(policies.length, 1);
        assert.match(policies[0].inputs.policy, /aws:ResourceTag\/k8s\.io\/cluster-autoscaler\/berrys-production/);
        assert.deepEqual(
            ofType(production, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((attachment) =>
                attachment.name.startsWith("berrys-addons-cluster-autoscaler"),
            ),
            [],
        );
    });

    it("installs the EBS CSI driver as an EKS add-on and the gp3-encrypted StorageClass before kube-prometheus-stack", () => {
        const addon = ofType(production, "aws:eks/addon:Addon").find(
            (candidate) => candidate.inputs.addonName === "aws-ebs-csi-driver",
        );
        assert.ok(addon);
        const storageClass = ofType(production, "kubernetes:storage.k8s.io/v1:StorageClass")[0];
        assert.equal(storageClass.inputs.metadata.name, "gp3-encrypted");
        assert.equal(storageClass.inputs.provisioner, "ebs.csi.aws.com");
        const dependencies = dependencyNames(production, RELEASE, "berrys-addons-prometheus-release");
        assert.ok(
            dependencies.includes("berrys-addons-prometheus-ebs-csi-driver") &&
                dependencies.includes("berrys-addons-prometheus-gp3"),
        );
    });

    it("creates a PodMonitor per service in the services' namespace, after the CRDs", () => {
        const monitors = podMonitors(production);
        assert.deepEqual(monitors.map((monitor) => monitor.inputs.metadata.name).sort(), [
            "agent-orchestrator-metrics",
            "api-gateway-metrics",
            "model-orchestration-metrics",
            "web-dashboard-metrics",
        ]);
        for (const monitor of monitors) {
            assert.equal(monitor.inputs.metadata.namespace, "berrys-production");
            assert.deepEqual(monitor.inputs.spec.podMetricsEndpoints, [{ port: "metrics", path: "/metrics" }]);
            assert.ok(
                dependencyNames(production, "kubernetes:monitoring.coreos.com/v1:PodMonitor", monitor.name).includes(
                    "berrys-addons-prometheus-release",
                ),
            );
        }
    });

    it("exports clusterAutoscalerRoleArn, prometheusUrl and customMetrics", () => {
        assert.equal(production.outputs.prometheusUrl, "http://kube-prometheus-stack-prometheus.monitoring.svc:9090");
        assert.deepEqual(production.outputs.customMetrics, [
            "model_requests_per_second",
            "http_requests_per_second",
            "agent_creation_rate",
        ]);
        assert.match(
            String(production.outputs.clusterAutoscalerRoleArn),
            /berrys-addons-cluster-autoscaler-identity-role\.arn/,
        );
    });

    describe("with an external Prometheus", () => {
        it("installs no Prometheus, no EBS CSI driver and no StorageClass", () => {
            assert.deepEqual(
                releases(external)
                    .map((release) => release.inputs.name)
                    .sort(),
                ["cluster-autoscaler", "metrics-server", "prometheus-adapter"],
            );
            assert.deepEqual(
                ofType(external, "aws:eks/addon:Addon").filter(
                    (addon) => addon.inputs.addonName === "aws-ebs-csi-driver",
                ),
                [],
            );
            assert.deepEqual(ofType(external, "kubernetes:storage.k8s.io/v1:StorageClass"), []);
            assert.equal(external.outputs.prometheusUrl, EXTERNAL.url);
        });

        it("labels the PodMonitors as that Prometheus selects them", () => {
            assert.equal(podMonitors(external).length, 4);
            for (const monitor of podMonitors(external)) {
                assert.equal(monitor.inputs.metadata.labels.prometheus, "main");
            }
        });

        it("creates no monitoring objects where no operator runs", () => {
            assert.deepEqual(podMonitors(noOperator), []);
            const ca = releases(noOperator).find((release) => release.inputs.name === "cluster-autoscaler")!;
            assert.deepEqual(ca.inputs.values.serviceMonitor, { enabled: false });
        });
    });
});
