"""Language knowledge shared by every stage: scripts and normalisation (`script`), the one sentence splitter
(`sentences`), words, stop words and IDF (`words`), pinyin (`pinyin`), the English glossary (`glossary`).
Word lists are data files in `data/`, written once in Simplified and matched on converted text."""
