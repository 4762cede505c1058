DROP TABLE rate_limits;
DROP TABLE site_work;
