/** What SmallCode remembers: evidence per task, facts, working memory, knowledge/ sections. */
export { Memory, FACT_KIND, SCRATCHPAD_KIND, MEMORY_SCOPES, type MemoryHit, type MemoryOptions, type MemoryScope } from './memory.js';
export { describeAge, describeEvidence, EVIDENCE_KIND, EvidenceRecorder, type Evidence, type ToolAttempt } from './evidence.js';
export { Knowledge, splitSections, renderSection, type KnowledgeSection } from './knowledge.js';
