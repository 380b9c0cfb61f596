-- DropIndex
DROP INDEX "InventoryItem_shop_sku_idx";

-- DropIndex
DROP INDEX "Variant_shop_inventoryItemId_idx";

-- DropIndex
DROP INDEX "Variant_shop_sku_idx";

-- CreateIndex
CREATE INDEX "InventoryItem_shop_sku_id_idx" ON "InventoryItem"("shop", "sku", "id");

-- CreateIndex
CREATE INDEX "InventoryLevel_atp_read_idx" ON "InventoryLevel"("shop", "inventoryItemId", "active", "locationId", "available", "onHand", "committed", "reserved", "incoming", "safetyStock", "damaged", "qualityControl", "peakguardHolds", "availableAt", "breakdownAt");

-- CreateIndex
CREATE INDEX "Variant_shop_sku_inventoryItemId_idx" ON "Variant"("shop", "sku", "inventoryItemId");

-- CreateIndex
CREATE INDEX "Variant_shop_inventoryItemId_id_sku_idx" ON "Variant"("shop", "inventoryItemId", "id", "sku");

