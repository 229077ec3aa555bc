// components/coredns.ts: CoreDNS as a managed EKS add-on, made after the node groups.
import { strict as assert } from "assert";
import { corednsConfigurationValues } from "../../components/coredns";
import { resource, runStack } from "../helpers/program";
import { stackConfig } from "../helpers/stacks";

describe("CoreDNS", () => {
    it("its configuration: 2 replicas spread over zones without refusing one zone, and exactly one PDB, the add-on's", () => {
        const values = corednsConfigurationValues() as Record<string, any>;
        assert.equal(values.replicaCount, 2);
        assert.deepEqual(values.podDisruptionBudget, { enabled: true, maxUnavailable: 1 });
        assert.deepEqual(
            values.topologySpreadConstraints.map((constraint: Record<string, unknown>) => [
                constraint.topologyKey,
                constraint.whenUnsatisfiable,
            ]),
            [["topology.kubernetes.io/zone", "ScheduleAnyway"]],
        );
        assert.equal(corednsConfigurationValues({ replicas: 3 }).replicaCount, 3);
    });

    it("the add-on adopts the copy EKS bootstrapped, carries that configuration and waits for every node group", async () => {
        const run = await runStack("node-groups");
        const addon = resource(run, "aws:eks/addon:Addon", "berrys-coredns-addon");
        assert.equal(addon.inputs.addonName, "coredns");
        assert.equal(addon.inputs.resolveConflictsOnCreate, "OVERWRITE");
        assert.deepEqual(JSON.parse(addon.inputs.configurationValues), corednsConfigurationValues());
        const declared = run.declared.find((candidate) => candidate.name === "berrys-coredns-addon")!;
        const groups = Object.keys(stackConfig("node-groups").nodeGroups);
        assert.ok(groups.length > 1);
        assert.equal((declared.opts.dependsOn as unknown[]).length, groups.length);
    });
});
