// Config schema of `simulation`: the scaling simulator's settings (issue 5 fills this in).
import { z } from "zod";

export const simulationSchema = z.strictObject({}).prefault({});
