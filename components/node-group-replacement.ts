// Node groups a change replaces: EKS cannot change a node group's instance types, capacity type,
// AMI type or subnets in place (ForceNew in the AWS provider's aws_eks_node_group schema), so the
// provider creates a new group and deletes the old one. Preview compares the config with what EKS
// reports, says by key which groups go and how many nodes move, and the new group starts at the
// live size (node-group.ts `scalingPlan`).
import * as aws from "@pulumi/aws";
import { keyName } from "../config";
import type { NodeGroupConfig, PlatformConfig } from "../config";
import { isNotFound, LiveScaling, matchLiveNodeGroups } from "./node-group";

/** What EKS reports for a live node group (`aws.eks.getNodeGroup`). */
export interface LiveNodeGroup extends LiveScaling {
    readonly eksName: string;
    readonly instanceTypes?: readonly string[];
    readonly capacityType?: string;
    readonly amiType?: string;
    readonly subnetIds?: readonly string[];
}

/**
 * Reads each configured group's newest live EKS node group (the cluster's list, then each one).
 * Runs at preview, so the plan it feeds is what `pulumi preview` shows. A cluster that does not
 * exist yet has none; any other error (no permission, say) stops the run.
 */
export async function readLiveNodeGroups(
    clusterName: string,
    groupNames: readonly string[],
): Promise<Record<string, LiveNodeGroup>> {
    let eksNames: string[];
    try {
        eksNames = (await aws.eks.getNodeGroups({ clusterName })).names ?? [];
    } catch (error) {
        if (isNotFound(error)) {
            return {};
        }
        throw error;
    }
    const live: Record<string, LiveNodeGroup> = {};
    for (const [group, eksName] of Object.entries(matchLiveNodeGroups(groupNames, eksNames))) {
        const found = await aws.eks.getNodeGroup({ clusterName, nodeGroupName: eksName });
        const desiredSize = found.scalingConfigs?.[0]?.desiredSize;
        if (desiredSize !== undefined) {
            live[group] = {
                eksName,
                desiredSize,
                instanceTypes: found.instanceTypes,
                capacityType: found.capacityType,
                amiType: found.amiType,
                subnetIds: found.subnetIds,
            };
        }
    }
    return live;
}

const list = (values: readonly string[]) => `[${values.join(", ")}]`;
const sameSet = (a: readonly string[], b: readonly string[]) =>
    a.length === b.length && a.every((value) => b.includes(value));

/**
 * The ForceNew fields (terraform-provider-aws internal/service/eks node_group.go `resourceNodeGroup`:
 * instance_types, capacity_type, ami_type, subnet_ids) whose config differs from the live group,
 * as `field live -> config`. `subnetIds` only when the config knows them (an existing network);
 * `zonesChanged` when the network's zones change (its subnets are replaced). disk_size is ForceNew
 * too, but the program sizes the disk in the launch template: a new size is a rolling update.
 */
export function forceNewChanges(
    settings: Pick<NodeGroupConfig, "instanceTypes" | "capacityType" | "amiType">,
    live: LiveNodeGroup,
    subnetIds?: readonly string[],
    zonesChanged = false,
): string[] {
    const changes: string[] = [];
    if (live.instanceTypes !== undefined && list(live.instanceTypes) !== list(settings.instanceTypes)) {
        changes.push(`instanceTypes ${list(live.instanceTypes)} -> ${list(settings.instanceTypes)}`);
    }
    if (live.capacityType !== undefined && live.capacityType !== settings.capacityType) {
        changes.push(`capacityType ${live.capacityType} -> ${settings.capacityType}`);
    }
    if (live.amiType !== undefined && live.amiType !== settings.amiType) {
        changes.push(`amiType ${live.amiType} -> ${settings.amiType}`);
    }
    if (
        (subnetIds !== undefined && live.subnetIds !== undefined && !sameSet(live.subnetIds, subnetIds)) ||
        zonesChanged
    ) {
        changes.push("subnets (network)");
    }
    return changes;
}

/**
 * Marks each live group this run replaces and says so by key: the EKS group that goes, its live
 * nodes, and the size the new group starts at (the live size moved into minSize..maxSize).
 */
export function replacementPlan(
    config: PlatformConfig,
    live: Readonly<Record<string, LiveNodeGroup>>,
    zonesChanged = false,
): { liveScaling: Record<string, LiveScaling>; warnings: string[] } {
    const subnetIds = config.network.mode === "existing" ? config.network.privateSubnetIds : undefined;
    const liveScaling: Record<string, LiveScaling> = {};
    const warnings: string[] = [];
    for (const [group, current] of Object.entries(live)) {
        const settings = config.nodeGroups[group];
        const changes = settings === undefined ? [] : forceNewChanges(settings, current, subnetIds, zonesChanged);
        liveScaling[group] = { desiredSize: current.desiredSize, replaced: changes.length > 0 };
        if (changes.length > 0) {
            const starts = Math.min(settings.maxSize, Math.max(settings.minSize, current.desiredSize));
            warnings.push(
                `${keyName(["nodeGroups", group])} replaces EKS node group ${current.eksName}: its ${current.desiredSize} nodes move to a new group created with ${starts}\n` +
                    `ForceNew: ${changes.join("; ")}. The new group is Ready before the old one drains (create before delete)`,
            );
        }
    }
    return { liveScaling, warnings };
}
