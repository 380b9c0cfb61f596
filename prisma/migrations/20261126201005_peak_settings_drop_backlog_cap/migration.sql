-- AlterTable
ALTER TABLE "PeakSettings" DROP COLUMN "webhookBacklogCap";

