// Issue 9 item 8: the control-plane log group. EKS creates `/aws/eks/<cluster>/cluster` on its first
// write with no retention ("Never expire") and does not delete it with the cluster; the program
// creates it first, with berrys-platform:cluster.logRetentionDays, and the EKS cluster waits for it.
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { clusterNameOfLogGroup, controlPlaneLogGroupName } from "../components/eks-cluster";
import { parseConfig } from "../config";
import { LOG_RETENTION_DAYS } from "../schema/platform";
import { fixtureStack } from "./helpers/stacks";
import { resource, runStack } from "./helpers/program";

const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";

describe("control-plane log group (issue 9 item 8)", () => {
    it("is named as EKS names it, /aws/eks/<cluster>/cluster, and the name maps back to the cluster", () => {
        // EKS user guide (awsdocs/amazon-eks-user-guide 4d52b4d, "Send control plane logs to CloudWatch
        // Logs"): "/aws/eks/my-cluster/cluster".
        assert.equal(controlPlaneLogGroupName("berrys-production"), "/aws/eks/berrys-production/cluster");
        assert.equal(clusterNameOfLogGroup("/aws/eks/berrys-production/cluster"), "berrys-production");
        assert.throws(() => clusterNameOfLogGroup("/aws/lambda/x"), /not an EKS control-plane log group name/);
    });

    for (const stack of ["production", "staging"]) {
        it(`${stack}: creates the log group with 90 days' retention by default`, async () => {
            const run = await runStack(stack);
            const group = resource(run, LOG_GROUP, "berrys-cluster-control-plane-logs");
            assert.equal(group.inputs.name, `/aws/eks/berrys-${stack}/cluster`);
            assert.equal(group.inputs.retentionInDays, 90);
        });
    }

    it("the EKS cluster waits for the log group: its name is the log group's output", async () => {
        // @pulumi/eks v4.3.0 registers the aws.eks.Cluster inside its component (nodejs/eks/cluster/
        // cluster.ts 687-690, `name: args.name`) with only the service roles in dependsOn (756-760): a
        // dependsOn on the eks.Cluster component does not order that inner resource. An input does:
        // the component, and so the cluster, cannot be created before the log group's name resolves.
        const run = await runStack("production");
        const declared = run.declared.find((d) => d.type === "eks:index:Cluster" && d.name === "berrys-cluster-eks");
        assert.ok(declared);
        const name = declared.props.name as pulumi.Output<string>;
        assert.ok(
            pulumi.Output.isInstance(name),
            "the cluster's name must be an output of the log group, not a plain string",
        );
        const dependencies = await (name as unknown as { resources(): Promise<Set<pulumi.Resource>> }).resources();
        const groups = [...dependencies].filter((dependency) => dependency instanceof pulumi.CustomResource);
        assert.equal(groups.length, 1);
        assert.match(
            await urnOf(groups[0] as pulumi.CustomResource),
            /\$aws:cloudwatch\/logGroup:LogGroup::berrys-cluster-control-plane-logs$/,
        );
        assert.equal(resource(run, "eks:index:Cluster", "berrys-cluster-eks").inputs.name, "berrys-production");
    });

    it("with no log types there is no log group, and the name is plain", async () => {
        const file = fixtureStack("staging");
        const run = await runStack("staging", {
            configOverrides: { "berrys-platform:cluster": { ...(file.projectConfig.cluster as object), logTypes: [] } },
        });
        assert.equal(run.registered.filter((r) => r.type === LOG_GROUP).length, 0);
        assert.equal(resource(run, "eks:index:Cluster", "berrys-cluster-eks").inputs.name, "berrys-staging");
    });

    it("accepts only the retention periods CloudWatch Logs allows", () => {
        // CloudWatch Logs API reference, PutRetentionPolicy, retentionInDays: "Valid values are: 1, 3, 5,
        // 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, and 3653."
        assert.deepEqual(
            [...LOG_RETENTION_DAYS],
            [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653],
        );
        const file = fixtureStack("production");
        for (const [days, ok] of [
            [365, true],
            [3653, true],
            [0, false],
            [100, false],
            [3654, false],
        ] as const) {
            const raw = structuredClone(file.projectConfig) as Record<string, any>;
            raw.cluster.logRetentionDays = days;
            const result = parseConfig(raw, file.context);
            assert.equal(result.ok, ok, String(days));
            if (!result.ok) {
                assert.equal(result.errors.length, 1);
                assert.match(
                    result.errors[0],
                    new RegExp(
                        `^berrys-platform:cluster\\.logRetentionDays \\(${days}\\) must be a retention CloudWatch Logs allows: 1, 3, 5`,
                    ),
                );
            }
        }
    });
});

function urnOf(resource: pulumi.CustomResource): Promise<string> {
    return new Promise((resolve) =>
        resource.urn.apply((urn) => {
            resolve(urn);
            return urn;
        }),
    );
}
