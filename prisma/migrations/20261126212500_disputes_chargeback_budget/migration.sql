-- CreateTable
CREATE TABLE "Dispute" (
    "shop" TEXT NOT NULL,
    "disputeId" TEXT NOT NULL,
    "orderId" TEXT,
    "status" TEXT NOT NULL,
    "kind" TEXT,
    "reason" TEXT,
    "amountMinor" INTEGER NOT NULL,
    "currencyCode" TEXT NOT NULL,
    "initiatedAt" TIMESTAMP(3) NOT NULL,
    "finalizedAt" TIMESTAMP(3),
    "eventAt" TIMESTAMP(3) NOT NULL,
    "lastEventKey" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Dispute_pkey" PRIMARY KEY ("shop","disputeId")
);

-- CreateTable
CREATE TABLE "FraudCancellation" (
    "shop" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "orderName" TEXT,
    "cancelledAt" TIMESTAMP(3) NOT NULL,
    "amountMinor" INTEGER,
    "currencyCode" TEXT,
    "eventKey" TEXT NOT NULL,
    "recordedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FraudCancellation_pkey" PRIMARY KEY ("shop","orderId")
);

-- CreateTable
CREATE TABLE "ChargebackBudget" (
    "shop" TEXT NOT NULL,
    "currencyCode" TEXT NOT NULL,
    "amountMinor" INTEGER NOT NULL,
    "maxDisputes" INTEGER,
    "maxFraudCancellations" INTEGER,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ChargebackBudget_pkey" PRIMARY KEY ("shop")
);

-- CreateIndex
CREATE INDEX "Dispute_shop_initiatedAt_idx" ON "Dispute"("shop", "initiatedAt");

-- CreateIndex
CREATE INDEX "Dispute_shop_status_idx" ON "Dispute"("shop", "status");

-- CreateIndex
CREATE INDEX "FraudCancellation_shop_cancelledAt_idx" ON "FraudCancellation"("shop", "cancelledAt");

