-- The demo table behind the `scores` group, with the rows of the original groupcache demo. Run once by
-- the MySQL image's entrypoint when its data volume is empty (/docker-entrypoint-initdb.d). The layout is
-- the one ringcache's own demo seed creates (libs/data-source, ensureDemoData), so either may come first.
USE ringcache;

CREATE TABLE IF NOT EXISTS student (
  id INT NOT NULL AUTO_INCREMENT,
  name VARCHAR(64) NOT NULL,
  score INT NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

INSERT INTO student (name, score) VALUES
  ('Tom', 630),
  ('Jack', 589),
  ('Sam', 567)
ON DUPLICATE KEY UPDATE id = id;
