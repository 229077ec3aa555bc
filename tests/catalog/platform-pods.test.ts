import { itKeepsOutput } from "../helpers/capacity-hashes";

itKeepsOutput("platformPods");
