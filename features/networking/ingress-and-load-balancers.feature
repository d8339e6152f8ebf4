Feature: Traffic from outside: LoadBalancer services and Ingress

  A LoadBalancer service gets an external IP from the cloud controller; an
  Ingress of the cluster's ingress class ("nginx") sends each host and path
  to a service.

  Background:
    Given a cluster with 2 nodes
    And the following manifest is applied:
      """yaml
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: cart
      spec:
        replicas: 2
        selector:
          matchLabels:
            app: cart
        template:
          metadata:
            labels:
              app: cart
          spec:
            containers:
              - name: cart
                image: nginx:1.27
      ---
      apiVersion: v1
      kind: Service
      metadata:
        name: cart
      spec:
        selector:
          app: cart
        ports:
          - name: http
            port: 80
      """

  Scenario: a LoadBalancer service gets an external IP that reaches its pods
    When I apply the following manifest:
      """yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: cart-public
      spec:
        type: LoadBalancer
        selector:
          app: cart
        ports:
          - port: 80
      """
    Then within 1 minute the service "cart-public" has the external IP assigned
    And within 5 seconds a request from outside the cluster to "http://203.0.113.2" reaches a pod of deployment "cart"

  Scenario: an Ingress routes a host and path prefix to a service
    When I apply the following manifest:
      """yaml
      apiVersion: networking.k8s.io/v1
      kind: Ingress
      metadata:
        name: shop
      spec:
        ingressClassName: nginx
        rules:
          - host: shop.example.com
            http:
              paths:
                - path: /cart
                  pathType: Prefix
                  backend:
                    service:
                      name: cart
                      port:
                        name: http
      """
    Then the ingress "shop" routes "shop.example.com/cart" to service "cart"
    And the ingress "shop" routes "shop.example.com/cart/items" to service "cart"
    And a request from outside the cluster to "http://shop.example.com/cart" reaches a pod of deployment "cart"
    And a request from outside the cluster to "http://shop.example.com/carts" fails with "404 Not Found"
    And a request from outside the cluster to "https://shop.example.com/cart" fails with "no TLS entry"
