// How a node group's nodes are replaced when EKS updates it (a new AMI or minor, a new launch
// template version): how many at once, and whether the services' PDBs let that pace go through.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { configCheck, keyName, pdbAllowedDisruptions } from "../config";
import type { ConfigCheck, NodeGroupConfig, PlatformConfig } from "../config";

/** The node group's `updateConfig`: `updateMaxUnavailable` as a count or a percentage. */
export function updateConfig(
    settings: Pick<NodeGroupConfig, "updateMaxUnavailable">,
): aws.types.input.eks.NodeGroupUpdateConfig {
    const value = settings.updateMaxUnavailable;
    return typeof value === "number"
        ? { maxUnavailable: value }
        : { maxUnavailablePercentage: Number(value.slice(0, -1)) };
}

/**
 * Sets `updateConfig` on the aws.eks.NodeGroup inside eks.ManagedNodeGroup, whose args (pulumi-eks
 * v4.3.0, eks:index:ManagedNodeGroup) have no such field. A transform, unlike a transformation,
 * reaches the children a packaged component registers: the engine keeps a remote component's
 * transforms as pending and runs its parents' transforms on each child (pulumi v3.248.0
 * pkg/resource/deploy/source_eval.go `resmon.RegisterResource`).
 */
export function updateConfigTransform(config: aws.types.input.eks.NodeGroupUpdateConfig): pulumi.ResourceTransform {
    return (args) =>
        args.type === "aws:eks/nodeGroup:NodeGroup"
            ? { props: { ...args.props, updateConfig: config }, opts: args.opts }
            : undefined;
}

/** The most nodes an update drains at once: a percentage counts against the group's maxSize. */
export function nodesDrainedAtOnce(settings: Pick<NodeGroupConfig, "updateMaxUnavailable" | "maxSize">): number {
    const value = settings.updateMaxUnavailable;
    return typeof value === "number"
        ? value
        : Math.max(1, Math.floor((Number(value.slice(0, -1)) * settings.maxSize) / 100));
}

/**
 * Warns when a node group drains more nodes at once than a service's PDB allows disruptions at
 * minReplicas: the pods on the second node wait for the first ones to be Ready elsewhere, and EKS
 * fails the update (PodEvictionFailure) when a pod is not evicted within 15 minutes (EKS user guide,
 * "Understand each phase of node updates", upgrade phase).
 */
export const updatePaceCheck: ConfigCheck = configCheck(
    "A warning when a node group's updateMaxUnavailable drains more nodes at once than the tightest PDB allows disruptions at minReplicas " +
        "(EKS fails an update whose pod is not evicted within 15 minutes).",
    (config: PlatformConfig) => {
        const budgets = Object.entries(config.services).flatMap(([service, settings]) =>
            settings.pdb === undefined
                ? []
                : [
                      {
                          service,
                          allowed: pdbAllowedDisruptions(settings.pdb, settings.minReplicas),
                          minReplicas: settings.minReplicas,
                      },
                  ],
        );
        const tightest = budgets.sort((a, b) => a.allowed - b.allowed)[0];
        const warnings =
            tightest === undefined
                ? []
                : Object.entries(config.nodeGroups).flatMap(([group, settings]) => {
                      const drained = nodesDrainedAtOnce(settings);
                      return drained <= Math.max(1, tightest.allowed)
                          ? []
                          : [
                                `${keyName(["nodeGroups", group, "updateMaxUnavailable"])} (${settings.updateMaxUnavailable}) drains ${drained} nodes at once, ` +
                                    `but services.${tightest.service}'s PDB allows ${tightest.allowed} disruption(s) at minReplicas (${tightest.minReplicas})\n` +
                                    "Evictions then wait on each other and EKS fails the update after 15 minutes per pod (PodEvictionFailure); use 1",
                            ];
                  });
        return { errors: [], warnings };
    },
);
