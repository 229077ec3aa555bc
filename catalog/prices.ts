// On-demand EC2 prices, US East (N. Virginia, us-east-1), Linux, shared tenancy, USD per hour, for
// every instance type of capacity/instance-types.ts. `simulation.tuning.prices` overrides them per
// type (another region, a discount, a type missing here); the capacity report and `npm run tune`
// price nodes with `hourlyPrice`. Source: the AWS Price List API's rates as aws/karpenter-provider-aws
// v1.14.1 ships them (pkg/providers/pricing/zz_generated.pricing_aws.go); docs/design/capacity.md
// says how they were checked. AWS bills per second; prices change: override them when they do.

/** Hours in an average month (365 x 24 / 12), the AWS Pricing Calculator's convention. */
export const HOURS_PER_MONTH = 730;

/** Where the table's prices hold: what the capacity report says a cost is for. */
export const PRICE_TABLE_REGION = "us-east-1";

/** USD per hour, on-demand, Linux, us-east-1. */
export const ON_DEMAND_PRICES: Readonly<Record<string, number>> = {
    "m5.large": 0.096,
    "m5.xlarge": 0.192,
    "m5.2xlarge": 0.384,
    "m5.4xlarge": 0.768,
    "m5.8xlarge": 1.536,
    "m6i.large": 0.096,
    "m6i.xlarge": 0.192,
    "m6i.2xlarge": 0.384,
    "m6i.4xlarge": 0.768,
    "m6i.8xlarge": 1.536,
    "m7i.large": 0.1008,
    "m7i.xlarge": 0.2016,
    "m7i.2xlarge": 0.4032,
    "m7i.4xlarge": 0.8064,
    "m7i.8xlarge": 1.6128,
    "m6a.large": 0.0864,
    "m6a.xlarge": 0.1728,
    "m6a.2xlarge": 0.3456,
    "m6a.4xlarge": 0.6912,
    "m6a.8xlarge": 1.3824,
    "m6g.medium": 0.0385,
    "m6g.large": 0.077,
    "m6g.xlarge": 0.154,
    "m6g.2xlarge": 0.308,
    "m6g.4xlarge": 0.616,
    "m6g.8xlarge": 1.232,
    "m7g.medium": 0.0408,
    "m7g.large": 0.0816,
    "m7g.xlarge": 0.1632,
    "m7g.2xlarge": 0.3264,
    "m7g.4xlarge": 0.6528,
    "m7g.8xlarge": 1.3056,
    "c5.large": 0.085,
    "c5.xlarge": 0.17,
    "c5.2xlarge": 0.34,
    "c5.4xlarge": 0.68,
    "c6i.large": 0.085,
    "c6i.xlarge": 0.17,
    "c6i.2xlarge": 0.34,
    "c6i.4xlarge": 0.68,
    "c6i.8xlarge": 1.36,
    "c7i.large": 0.08925,
    "c7i.xlarge": 0.1785,
    "c7i.2xlarge": 0.357,
    "c7i.4xlarge": 0.714,
    "c7i.8xlarge": 1.428,
    "c6g.medium": 0.034,
    "c6g.large": 0.068,
    "c6g.xlarge": 0.136,
    "c6g.2xlarge": 0.272,
    "c6g.4xlarge": 0.544,
    "c6g.8xlarge": 1.088,
    "c7g.medium": 0.0363,
    "c7g.large": 0.0725,
    "c7g.xlarge": 0.145,
    "c7g.2xlarge": 0.29,
    "c7g.4xlarge": 0.58,
    "c7g.8xlarge": 1.16,
    "r5.large": 0.126,
    "r5.xlarge": 0.252,
    "r5.2xlarge": 0.504,
    "r5.4xlarge": 1.008,
    "r5.8xlarge": 2.016,
    "r6i.large": 0.126,
    "r6i.xlarge": 0.252,
    "r6i.2xlarge": 0.504,
    "r6i.4xlarge": 1.008,
    "r6i.8xlarge": 2.016,
    "r7i.large": 0.1323,
    "r7i.xlarge": 0.2646,
    "r7i.2xlarge": 0.5292,
    "r7i.4xlarge": 1.0584,
    "r7i.8xlarge": 2.1168,
    "r6g.medium": 0.0504,
    "r6g.large": 0.1008,
    "r6g.xlarge": 0.2016,
    "r6g.2xlarge": 0.4032,
    "r6g.4xlarge": 0.8064,
    "r6g.8xlarge": 1.6128,
    "r7g.medium": 0.0536,
    "r7g.large": 0.1071,
    "r7g.xlarge": 0.2142,
    "r7g.2xlarge": 0.4284,
    "r7g.4xlarge": 0.8568,
    "r7g.8xlarge": 1.7136,
    "t3.medium": 0.0416,
    "t3.large": 0.0832,
    "t3.xlarge": 0.1664,
    "t3.2xlarge": 0.3328,
    "t3a.medium": 0.0376,
    "t3a.large": 0.0752,
    "t3a.xlarge": 0.1504,
    "t3a.2xlarge": 0.3008,
    "t4g.medium": 0.0336,
    "t4g.large": 0.0672,
    "t4g.xlarge": 0.1344,
    "t4g.2xlarge": 0.2688,
};

/** The hourly price of `type`: `overrides` (simulation.tuning.prices) first, then the table; `undefined` when neither has it. */
export function hourlyPrice(type: string, overrides: Readonly<Record<string, number>> = {}): number | undefined {
    return Object.prototype.hasOwnProperty.call(overrides, type)
        ? overrides[type]
        : Object.prototype.hasOwnProperty.call(ON_DEMAND_PRICES, type)
          ? ON_DEMAND_PRICES[type]
          : undefined;
}

/**
 * What else the program creates, us-east-1, USD. EKS: per cluster-hour, in standard and in extended
 * support of the cluster's minor (AWS containers blog, "Amazon EKS extended support for Kubernetes
 * versions pricing", 2024: $0.10 and $0.60). A NAT gateway per hour, and its Elastic IP as a public
 * IPv4 address per hour (VPC pricing, 2026: $0.045 and $0.005). gp3 per GiB-month, with the included
 * 3,000 IOPS and 125 MB/s the program keeps (EBS pricing: $0.08). A KMS customer managed key per
 * month ($1). Usage-priced charges (NAT data processing, CloudWatch Logs, data transfer) have no
 * fixed monthly figure and are left out.
 */
export const PLATFORM_PRICES = {
    eksPerHour: { standard: 0.1, extended: 0.6 },
    natGatewayPerHour: 0.045,
    publicIpv4PerHour: 0.005,
    gp3PerGibMonth: 0.08,
    kmsKeyPerMonth: 1,
} as const;
