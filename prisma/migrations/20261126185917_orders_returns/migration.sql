-- CreateTable
CREATE TABLE "OrderState" (
    "shop" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "orderName" TEXT,
    "state" TEXT NOT NULL,
    "facts" JSONB NOT NULL,
    "countryCode" TEXT,
    "orderedAt" TIMESTAMP(3),
    "fulfilledAt" TIMESTAMP(3),
    "capturedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "OrderState_pkey" PRIMARY KEY ("shop","orderId")
);

-- CreateTable
CREATE TABLE "OrderTransition" (
    "shop" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "eventKey" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "fromState" TEXT NOT NULL,
    "toState" TEXT NOT NULL,
    "steps" JSONB NOT NULL,
    "code" TEXT,
    "message" TEXT NOT NULL,
    "occurredAt" TIMESTAMP(3) NOT NULL,
    "recordedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OrderTransition_pkey" PRIMARY KEY ("shop","id")
);

-- CreateTable
CREATE TABLE "OrderCompensation" (
    "shop" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "ruleId" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "signal" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "plannedAt" TIMESTAMP(3) NOT NULL,
    "executedAt" TIMESTAMP(3),
    "settledAt" TIMESTAMP(3),
    "error" TEXT,

    CONSTRAINT "OrderCompensation_pkey" PRIMARY KEY ("shop","id")
);

-- CreateTable
CREATE TABLE "ReturnCase" (
    "shop" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "rmaNumber" TEXT NOT NULL,
    "returnId" TEXT,
    "orderId" TEXT NOT NULL,
    "orderName" TEXT,
    "source" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "shopifyStatus" TEXT,
    "refundTiming" TEXT NOT NULL,
    "lines" JSONB NOT NULL,
    "eligibility" JSONB,
    "refundedAt" TIMESTAMP(3),
    "refundMinor" INTEGER,
    "currencyCode" TEXT,
    "declineReason" TEXT,
    "declineNote" TEXT,
    "shopifyUpdatedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ReturnCase_pkey" PRIMARY KEY ("shop","id")
);

-- CreateTable
CREATE TABLE "ReturnAudit" (
    "shop" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "caseId" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "detail" JSONB NOT NULL,
    "idempotencyKey" TEXT,

    CONSTRAINT "ReturnAudit_pkey" PRIMARY KEY ("shop","id")
);

-- CreateTable
CREATE TABLE "RestockEvent" (
    "shop" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "sourceKey" TEXT NOT NULL,
    "caseId" TEXT,
    "returnId" TEXT,
    "lineItemId" TEXT,
    "variantId" TEXT,
    "inventoryItemId" TEXT,
    "sku" TEXT,
    "locationId" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    "via" TEXT NOT NULL,
    "occurredAt" TIMESTAMP(3) NOT NULL,
    "recordedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "consumedAt" TIMESTAMP(3),

    CONSTRAINT "RestockEvent_pkey" PRIMARY KEY ("shop","id")
);

-- CreateTable
CREATE TABLE "StaffAction" (
    "shop" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "paramsDigest" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "result" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "StaffAction_pkey" PRIMARY KEY ("shop","key")
);

-- CreateTable
CREATE TABLE "ReturnPolicySetting" (
    "shop" TEXT NOT NULL,
    "policy" JSONB NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ReturnPolicySetting_pkey" PRIMARY KEY ("shop")
);

-- CreateIndex
CREATE INDEX "OrderState_shop_state_idx" ON "OrderState"("shop", "state");

-- CreateIndex
CREATE INDEX "OrderTransition_shop_orderId_recordedAt_idx" ON "OrderTransition"("shop", "orderId", "recordedAt");

-- CreateIndex
CREATE INDEX "OrderTransition_shop_outcome_recordedAt_idx" ON "OrderTransition"("shop", "outcome", "recordedAt");

-- CreateIndex
CREATE UNIQUE INDEX "OrderTransition_shop_orderId_eventKey_key" ON "OrderTransition"("shop", "orderId", "eventKey");

-- CreateIndex
CREATE INDEX "OrderCompensation_shop_status_idx" ON "OrderCompensation"("shop", "status");

-- CreateIndex
CREATE UNIQUE INDEX "OrderCompensation_shop_orderId_ruleId_key" ON "OrderCompensation"("shop", "orderId", "ruleId");

-- CreateIndex
CREATE INDEX "ReturnCase_shop_status_createdAt_idx" ON "ReturnCase"("shop", "status", "createdAt");

-- CreateIndex
CREATE INDEX "ReturnCase_shop_orderId_idx" ON "ReturnCase"("shop", "orderId");

-- CreateIndex
CREATE UNIQUE INDEX "ReturnCase_shop_rmaNumber_key" ON "ReturnCase"("shop", "rmaNumber");

-- CreateIndex
CREATE UNIQUE INDEX "ReturnCase_shop_returnId_key" ON "ReturnCase"("shop", "returnId");

-- CreateIndex
CREATE INDEX "ReturnAudit_shop_caseId_at_idx" ON "ReturnAudit"("shop", "caseId", "at");

-- CreateIndex
CREATE INDEX "RestockEvent_shop_consumedAt_occurredAt_idx" ON "RestockEvent"("shop", "consumedAt", "occurredAt");

-- CreateIndex
CREATE UNIQUE INDEX "RestockEvent_shop_sourceKey_key" ON "RestockEvent"("shop", "sourceKey");

