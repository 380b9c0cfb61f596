-- CreateTable
CREATE TABLE "CheckoutRuleCheck" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "ruleId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "checkedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CheckoutRuleCheck_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "CheckoutRuleCheck_shop_ruleId_checkedAt_idx" ON "CheckoutRuleCheck"("shop", "ruleId", "checkedAt");

