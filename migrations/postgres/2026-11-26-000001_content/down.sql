DROP TABLE comments;
DROP TABLE post_tags;
DROP TABLE tags;
DROP TABLE posts;
DROP TABLE sidebar_widgets;
DROP TABLE sidebars;
DROP TABLE products;
DROP TABLE authors;
