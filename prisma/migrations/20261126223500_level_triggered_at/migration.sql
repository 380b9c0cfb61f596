-- AlterTable
ALTER TABLE "InventoryLevel" ADD COLUMN     "availableTriggeredAt" TIMESTAMP(3);

