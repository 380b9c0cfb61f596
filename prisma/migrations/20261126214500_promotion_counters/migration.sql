-- CreateTable
CREATE TABLE "PromotionUse" (
    "shop" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "promotionId" TEXT NOT NULL,
    "customerId" TEXT,
    "amountCents" INTEGER NOT NULL,
    "currencyCode" TEXT NOT NULL,
    "orderCreatedAt" TIMESTAMP(3),
    "recordedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PromotionUse_pkey" PRIMARY KEY ("shop","orderId","promotionId")
);

-- CreateTable
CREATE TABLE "PromotionCounterDirty" (
    "shop" TEXT NOT NULL,
    "ownerKind" TEXT NOT NULL,
    "ownerId" TEXT NOT NULL,
    "markedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PromotionCounterDirty_pkey" PRIMARY KEY ("shop","ownerKind","ownerId")
);

-- CreateIndex
CREATE INDEX "PromotionUse_shop_customerId_idx" ON "PromotionUse"("shop", "customerId");

-- CreateIndex
CREATE INDEX "PromotionUse_shop_promotionId_idx" ON "PromotionUse"("shop", "promotionId");

