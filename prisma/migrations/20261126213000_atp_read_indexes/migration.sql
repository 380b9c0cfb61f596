-- CreateIndex
CREATE INDEX "InventoryTransfer_shop_transferId_idx" ON "InventoryTransfer"("shop", "transferId");

-- CreateIndex
CREATE INDEX "Variant_shop_inventoryItemId_idx" ON "Variant"("shop", "inventoryItemId");

