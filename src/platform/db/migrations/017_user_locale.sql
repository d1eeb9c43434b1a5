-- The back office speaks seven interface languages: each person may pick theirs. NULL means
-- "follow the browser" (its Accept-Language), which is where everyone starts.
ALTER TABLE users
  ADD COLUMN locale text CHECK (locale IN ('en', 'es', 'fr', 'pl', 'ar', 'zh-Hans', 'ru'));
