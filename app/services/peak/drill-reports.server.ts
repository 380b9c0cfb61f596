/** Drill reports (scripts/drill.ts writes them; the Peak page reads the latest). */
import type { PrismaClient } from "@prisma/client";
import type { DrillResults, DrillTargets, Verdict } from "~/domain/peak/drill";
import { forShop } from "../db/scoped.server";

export interface StoredDrillReport {
  config: Record<string, unknown>;
  targets: DrillTargets;
  results: DrillResults;
  verdicts: Verdict[];
  passed: boolean;
}

export async function storeDrillReport(
  prisma: PrismaClient,
  shop: string,
  run: { startedAt: Date; finishedAt: Date; passed: boolean; report: StoredDrillReport }
): Promise<string> {
  const { config, ...rest } = run.report;
  const row = await forShop(prisma, shop).drillReport.create({
    data: {
      shop,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      passed: run.passed,
      config: JSON.parse(JSON.stringify(config)),
      results: JSON.parse(JSON.stringify(rest)),
    },
  });
  return row.id;
}

export interface DrillReportView extends StoredDrillReport {
  id: string;
  startedAt: string;
  finishedAt: string;
}

export async function latestDrillReports(prisma: PrismaClient, shop: string, take = 5): Promise<DrillReportView[]> {
  const rows = await forShop(prisma, shop).drillReport.findMany({ orderBy: { startedAt: "desc" }, take });
  return rows.map((row) => {
    const rest = row.results as unknown as Omit<StoredDrillReport, "config">;
    return { ...rest, id: row.id, config: row.config as Record<string, unknown>, passed: row.passed, startedAt: row.startedAt.toISOString(), finishedAt: row.finishedAt.toISOString() };
  });
}
