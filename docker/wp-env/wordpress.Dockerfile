# WordPress with the k8or Orbit plugin. Build from the repository root:
#   docker build -f docker/wp-env/wordpress.Dockerfile -t orbit-wordpress .

# The blocks and the admin app, built with the same lockfile as development.
FROM node:20-slim AS assets
WORKDIR /src
COPY package.json package-lock.json tsconfig.base.json ./
COPY blocks/package.json blocks/
COPY admin-app/package.json admin-app/
COPY contract/package.json contract/
COPY rest-bridge/package.json rest-bridge/
RUN npm ci --workspace blocks --workspace admin-app --ignore-scripts --no-audit --no-fund
COPY contract contract
COPY blocks blocks
COPY admin-app admin-app
COPY plugin/k8or-orbit plugin/k8or-orbit
RUN npx tsc --build contract && npm run build --workspace blocks --workspace admin-app

FROM wordpress:6.8-php8.2-apache
# Apache as www-data on an unprivileged port, so the container never runs as root; the core
# and wp-config.php (which reads WORDPRESS_* from the environment) are baked in, so the root
# file system can be mounted read-only and only wp-content/uploads is written.
RUN set -eux; \
	sed -i 's/^Listen 80$/Listen 8080/' /etc/apache2/ports.conf; \
	sed -i 's/<VirtualHost \*:80>/<VirtualHost *:8080>/' /etc/apache2/sites-available/000-default.conf; \
	cp -a /usr/src/wordpress/. /var/www/html/; \
	cp /usr/src/wordpress/wp-config-docker.php /var/www/html/wp-config.php; \
	chown -R root:root /var/www/html; \
	mkdir -p /var/www/html/wp-content/uploads; \
	chown www-data:www-data /var/www/html/wp-content/uploads
COPY --chown=root:root plugin/k8or-orbit /var/www/html/wp-content/plugins/k8or-orbit
COPY --from=assets --chown=root:root /src/plugin/k8or-orbit/build /var/www/html/wp-content/plugins/k8or-orbit/build
ENV WORDPRESS_CONFIG_EXTRA="define( 'DISALLOW_FILE_MODS', true );"
USER 33:33
EXPOSE 8080
