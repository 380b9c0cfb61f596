-- CreateTable
CREATE TABLE "KillSwitch" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "target" JSONB NOT NULL,
    "reason" TEXT NOT NULL,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3),
    "restoredAt" TIMESTAMP(3),
    "restoredBy" TEXT,
    "restoreReason" TEXT,

    CONSTRAINT "KillSwitch_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "KillSwitchAudit" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "switchId" TEXT,
    "switchKey" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "before" JSONB NOT NULL,
    "after" JSONB NOT NULL,
    "rev" INTEGER,
    "receipt" JSONB,

    CONSTRAINT "KillSwitchAudit_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PeakSettings" (
    "shop" TEXT NOT NULL,
    "catalog" JSONB NOT NULL,
    "peakOrdersPerMinute" INTEGER NOT NULL DEFAULT 2000,
    "webhookBacklogCap" INTEGER NOT NULL DEFAULT 5000,
    "switchTestDays" INTEGER NOT NULL DEFAULT 14,
    "metafieldRev" INTEGER NOT NULL DEFAULT 0,
    "paymentCustomizationId" TEXT,
    "deliveryCustomizationId" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PeakSettings_pkey" PRIMARY KEY ("shop")
);

-- CreateTable
CREATE TABLE "FreezeWindow" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "startsAt" TIMESTAMP(3) NOT NULL,
    "endsAt" TIMESTAMP(3) NOT NULL,
    "reason" TEXT NOT NULL,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FreezeWindow_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DrillReport" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3) NOT NULL,
    "passed" BOOLEAN NOT NULL,
    "config" JSONB NOT NULL,
    "results" JSONB NOT NULL,

    CONSTRAINT "DrillReport_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "KillSwitch_shop_restoredAt_idx" ON "KillSwitch"("shop", "restoredAt");

-- CreateIndex
CREATE INDEX "KillSwitch_shop_expiresAt_idx" ON "KillSwitch"("shop", "expiresAt");

-- CreateIndex
CREATE INDEX "KillSwitchAudit_shop_at_idx" ON "KillSwitchAudit"("shop", "at");

-- CreateIndex
CREATE INDEX "FreezeWindow_shop_startsAt_idx" ON "FreezeWindow"("shop", "startsAt");

-- CreateIndex
CREATE INDEX "DrillReport_shop_startedAt_idx" ON "DrillReport"("shop", "startedAt");

