// The AWS partition of the stack's region. The program builds ARNs of the `aws` partition (AWS
// managed policies, EKS access policies), so a region of another partition is refused at preview
// rather than failing at `pulumi up` on the first policy attachment.
import { configCheck, keyName, PlatformConfig } from "../config";

/**
 * Partitions by region name, as the AWS SDKs' partitions.json `regionRegex` has them
 * (aws/aws-sdk-go-v2 internal/endpoints/awsrulesfn/partitions.json, v1.36.0).
 */
export const PARTITIONS: readonly { readonly partition: string; readonly regionRegex: RegExp }[] = [
    { partition: "aws", regionRegex: /^(us|eu|ap|sa|ca|me|af|il|mx)-\w+-\d+$/ },
    { partition: "aws-cn", regionRegex: /^cn-\w+-\d+$/ },
    { partition: "aws-us-gov", regionRegex: /^us-gov-\w+-\d+$/ },
    { partition: "aws-iso", regionRegex: /^us-iso-\w+-\d+$/ },
    { partition: "aws-iso-b", regionRegex: /^us-isob-\w+-\d+$/ },
    { partition: "aws-iso-e", regionRegex: /^eu-isoe-\w+-\d+$/ },
    { partition: "aws-iso-f", regionRegex: /^us-isof-\w+-\d+$/ },
    { partition: "aws-eusc", regionRegex: /^eusc-(de)-\w+-\d+$/ },
];

/** The partition of a region, or undefined for a name no partition matches. */
export function partitionOf(region: string): string | undefined {
    // No name matches two of the regexes (`\w` stops at a hyphen: aws's does not match us-gov-west-1).
    return PARTITIONS.find((entry) => entry.regionRegex.test(region))?.partition;
}

export const partitionCheck = configCheck(
    "aws:region must be in the aws partition: the program builds arn:aws: ARNs (AWS managed policies, EKS access policies); GovCloud and China are refused.",
    (config: PlatformConfig) => {
        const partition = partitionOf(config.region);
        if (config.region === "" || partition === "aws") return { errors: [], warnings: [] };
        return {
            errors: [
                `aws:region (${config.region}) must be a region of the aws partition, not ${partition ?? "an unknown one"}: the program's ARNs use arn:aws:\n` +
                    `deploy to a commercial region; ${keyName(["cluster", "adminRoleArns"])} and the managed policies would need that partition's ARNs`,
            ],
            warnings: [],
        };
    },
);
