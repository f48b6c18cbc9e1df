export * from './rules';
export * from './engine';
export {
  alarmMessage,
  assess,
  formatNumber,
  levelOf,
  quantityOf,
  thresholdsFor,
  SIDES,
} from './conditions';
export type { Assessment, PhysiologicalPriority, Reading, Side, Threshold } from './conditions';
export * from './api';
