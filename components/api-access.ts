// Whether a deployer can reach the cluster's API endpoint on the first `pulumi up`: a rule across
// cluster.*Access* and network.mode, so a check in preflight.ts's CROSS_CHECKS.
import { configCheck, keyName } from "../config";
import type { ConfigCheck, PlatformConfig } from "../config";
import { isDocumentationRange } from "../schema/platform";

export const apiAccessCheck: ConfigCheck = configCheck(
    "A deployer must reach the API endpoint on the first run: public CIDRs when the run creates the VPC, otherwise public CIDRs, private CIDRs or security groups given 443 (a documentation range is a warning).",
    (config) => apiAccessIssues(config),
);

/**
 * Whether a deployer can reach the API endpoint on the first run. The Kubernetes resources are
 * created through the endpoint, so a private endpoint needs a deployer inside the VPC: impossible
 * when the same run creates the VPC, and with an existing VPC only from the CIDRs and security
 * groups given 443 on the cluster security group (which otherwise admits only the nodes).
 * Documentation ranges (RFC 5737) are the stack files' placeholders: a warning names the key.
 */
function apiAccessIssues(config: PlatformConfig): { errors: string[]; warnings: string[] } {
    const { cluster, network } = config;
    const errors: string[] = [];
    const publicKey = keyName(["cluster", "publicAccessCidrs"]);
    const privateCidrsKey = keyName(["cluster", "privateAccessCidrs"]);
    const privateGroupsKey = keyName(["cluster", "privateAccessSecurityGroupIds"]);
    if (cluster.publicAccessCidrs.length === 0 && network.mode === "create") {
        errors.push(
            `${publicKey} ([]) must list your deployers' CIDRs when ${keyName(["network", "mode"])} is create: the API endpoint would be private to a VPC no deployer is in\n` +
                `set it to your CI runners' and offices' egress CIDRs, or use ${keyName(["network", "mode"])}: existing with a VPC your deployers are in ` +
                `and ${privateCidrsKey} or ${privateGroupsKey} (docs/operations.md "Deployment topologies")`,
        );
    } else if (
        cluster.publicAccessCidrs.length === 0 &&
        cluster.privateAccessCidrs.length === 0 &&
        cluster.privateAccessSecurityGroupIds.length === 0
    ) {
        errors.push(
            `${publicKey} ([]) must list your deployers' CIDRs when no private access is given: the cluster security group admits 443 from the nodes only\n` +
                `list your deployers' CIDRs in ${privateCidrsKey}, their security groups in ${privateGroupsKey}, or their egress CIDRs in ${publicKey}`,
        );
    }
    const warnings: string[] = [];
    for (const [field, cidrs] of [
        ["publicAccessCidrs", cluster.publicAccessCidrs],
        ["privateAccessCidrs", cluster.privateAccessCidrs],
    ] as const) {
        cidrs.forEach((cidr, index) => {
            if (isDocumentationRange(cidr)) {
                warnings.push(
                    `${keyName(["cluster", field, index])} (${cidr}) is an RFC 5737 documentation range, a placeholder no deployer connects from\n` +
                        `set ${keyName(["cluster", field])} to ${field === "publicAccessCidrs" ? "your CI runners' and offices' egress CIDRs" : "your deployers' CIDRs inside or peered to the VPC"} ` +
                        'before `pulumi up` (docs/operations.md "Deploying from nothing"), or the Kubernetes resources time out waiting for the API',
                );
            }
        });
    }
    return { errors, warnings };
}
